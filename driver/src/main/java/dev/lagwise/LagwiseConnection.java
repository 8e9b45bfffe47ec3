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
}
