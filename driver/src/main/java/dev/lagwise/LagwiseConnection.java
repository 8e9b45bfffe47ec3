package dev.lagwise;

import java.sql.Connection;

/**
 * Lagwise's own API on a connection, reached with {@code
 * connection.unwrap(LagwiseConnection.class)} (also through a pool's proxy).
 */
public interface LagwiseConnection extends Connection {

  /**
   * The host ({@code host:port}) that ran this connection's most recent statement, or null before
   * the first one. Meant for tests, logs and debugging.
   */
  String lastNode();

  /**
   * True after a statement whose session state cannot be carried to another connection (a temporary
   * table, {@code LISTEN}, {@code PREPARE}, {@code SET ROLE}, a session advisory lock, …): every
   * statement then runs on the primary until {@code DISCARD ALL} or close.
   */
  boolean isPinnedToPrimary();

  /**
   * The position this connection's reads must see: its own writes, what it was told to require, and
   * (under {@code lagwise.consistency=causal}, the default) every write made through this cluster
   * in this JVM. Null when nothing is required yet. Carry it to another connection or application
   * server with {@link ConsistencyToken#toString()}.
   */
  ConsistencyToken consistencyToken() throws java.sql.SQLException;

  /**
   * Reads on this connection must see at least {@code token} from now on. The token is untrusted:
   * it is clamped to the primary's position, so a forged one can at worst send reads to the
   * primary.
   *
   * @throws java.sql.SQLException SQLState 22023 if the token is of another database
   */
  void requireConsistency(ConsistencyToken token) throws java.sql.SQLException;

  /**
   * Routing statistics of this connection's cluster in this JVM: shared with every connection and
   * DataSource to the cluster, cumulative since its first connection. Also after close.
   */
  LagwiseStats stats();
}
