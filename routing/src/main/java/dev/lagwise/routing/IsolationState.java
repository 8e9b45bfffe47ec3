package dev.lagwise.routing;

/**
 * The isolation levels of one session, for {@link Router}: what the session set (JDBC or SQL), the
 * open transaction's own level, and the default a server reported for the login. Transitions: a
 * JDBC set or SQL seen by the server ({@link #seen}) replaces the session level; a rollback on a
 * server that undoes session SQL (PostgreSQL) restores the level from before the transaction's SQL;
 * DISCARD ALL forgets it; the end of a transaction forgets its own level. Each change the vendor
 * connections did not make themselves bumps {@link #epoch}, so they forget what they were given.
 *
 * <p>A replica that refuses a serializable default the session never set (changed by a reload after
 * its connection opened) is asked for its default ({@link Router#defaultIsolationSeen}): at once in
 * autocommit ({@link Effects#CHECK_DEFAULT_ISOLATION}), else before its next use once the
 * transaction it aborted is over ({@link #checkDue}); at most one such replica waits.
 */
final class IsolationState {

  static final int SERIALIZABLE = 8; // java.sql.Connection.TRANSACTION_SERIALIZABLE

  /** As last set by JDBC or SQL, or -1 (the server's default). */
  int session = -1;

  /** The most isolated default a server reported for this login, or -1. */
  int loginDefault = -1;

  /** The level SQL set for the open transaction only ({@code SET TRANSACTION}), or -1. */
  int transaction = -1;

  /** {@link #session} before SQL changed it in the open transaction; -2 when it did not. */
  private int undo = -2;

  int epoch;

  /** A replica to ask for its default isolation before its next use, or -1. */
  private int checkNode = -1;

  /** Sets the session level through JDBC; true when it changed. */
  boolean set(int level) {
    if (level == session) {
      return false;
    }
    session = level;
    return true;
  }

  /**
   * The server says {@code level} is the session's and {@code current} the open transaction's
   * ({@code inTransaction}); {@code provisional}: a rollback undoes the session level. True when
   * the session level changed (the {@link #epoch} moved).
   */
  boolean seen(int level, int current, boolean inTransaction, boolean provisional) {
    boolean changed = level >= 0 && level != session;
    if (changed) {
      if (provisional && undo == -2) {
        undo = session;
      }
      session = level;
      epoch++;
    }
    transaction = inTransaction && current != level ? current : -1;
    return changed;
  }

  /**
   * The open transaction ended; true when a rollback restored the session level from before its SQL
   * (the {@link #epoch} moved).
   */
  boolean ended(boolean committed) {
    transaction = -1;
    if (undo == -2) {
      return false;
    }
    if (!committed) {
      session = undo;
      epoch++;
    }
    undo = -2;
    return !committed;
  }

  /** DISCARD ALL: the server's default again (the {@link #epoch} moves). */
  void reset() {
    epoch++;
    session = -1;
    transaction = -1;
    undo = -2;
  }

  void loginDefaultSeen(int level) {
    if (level > loginDefault) {
      loginDefault = level;
    }
  }

  /** The level the session's next transaction runs at. */
  int effective() {
    return session != -1 ? session : loginDefault;
  }

  /** What {@code getTransactionIsolation()} reports without a server; -1 when only one knows. */
  int reported(boolean inTransaction) {
    return inTransaction && transaction != -1 ? transaction : session;
  }

  /**
   * {@code node}, a replica, refused a statement with 0A000, perhaps for a serializable default:
   * {@link Effects#CHECK_DEFAULT_ISOLATION} when it can be asked now ({@code autocommit}: no
   * transaction is open there), else 0 and it is asked before its next use.
   */
  int refusedBy(int node, boolean autocommit) {
    if (autocommit) {
      return Effects.CHECK_DEFAULT_ISOLATION;
    }
    checkNode = node;
    return 0;
  }

  /**
   * True, once, when {@code node} waits to be asked for its default and no vendor transaction is
   * open on it ({@code openOnNode} false).
   */
  boolean checkDue(int node, boolean openOnNode) {
    if (checkNode != node || openOnNode) {
      return false;
    }
    checkNode = -1;
    return true;
  }
}
