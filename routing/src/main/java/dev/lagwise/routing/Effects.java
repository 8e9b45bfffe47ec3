package dev.lagwise.routing;

/**
 * What the caller of a {@link Router} must do after an event, as bits of the int the router
 * returns: the router decides, the caller performs (I/O stays out of the routing module). Zero:
 * nothing.
 */
public final class Effects {

  /** Read the primary's position on {@link Router#captureNode()} and report it. */
  public static final int CAPTURE = 1;

  /** Record the statement's SQL as replayable session state. */
  public static final int RECORD_SESSION_SQL = 2;

  /** The statement reset the session (DISCARD ALL): forget recorded session state. */
  public static final int SESSION_RESET = 4;

  /** A transaction committed: its provisional session state is now permanent. */
  public static final int COMMITTED = 8;

  /** A transaction rolled back: drop its provisional session state. */
  public static final int ROLLED_BACK = 16;

  /** Run the failed statement again: route it anew. */
  public static final int RETRY = 32;

  /** The failed node's connection is broken: drop it. */
  public static final int DROP_CONNECTION = 64;

  /** The replica rejected the SQL as a write: remember it as primary-only. */
  public static final int MARK_PRIMARY_ONLY = 128;

  /**
   * The statement set autocommit through SQL: read the vendor connection's flag and report it
   * ({@link Router#autoCommitSetBySql}).
   */
  public static final int SYNC_AUTOCOMMIT = 256;

  /**
   * Several statements with transaction control ran: ask the vendor connection whether a
   * transaction is open and report it ({@link Router#transactionStateSeen}).
   */
  public static final int SYNC_TRANSACTION = 512;

  /**
   * The failed node's connection was lost while it held the open transaction or state that cannot
   * be replayed (a pinned session): the logical connection cannot go on and is closed, as the
   * vendor driver closes its connection after a fatal error.
   */
  public static final int SESSION_LOST = 1024;

  /**
   * The statement may have changed the isolation level: ask the server which levels are in force
   * and report them ({@link Router#isolationSeen}).
   */
  public static final int SYNC_ISOLATION = 2048;

  /**
   * A replica refused the statement with 0A000: ask it for the session's default isolation and
   * report it ({@link Router#defaultIsolationSeen}); a refused serializable default keeps the
   * session's reads on the primary.
   */
  public static final int CHECK_DEFAULT_ISOLATION = 4096;

  private Effects() {}
}
