package dev.lagwise.jdbc;

import java.sql.Connection;
import org.mariadb.jdbc.util.constants.ServerStatus;

/**
 * MariaDB Connector/J's record of the server's transaction state, from the status flags of every OK
 * packet. In a class of its own so that only MariaDB connections load Connector/J's types.
 */
final class MariaDbTransactionState {

  private MariaDbTransactionState() {}

  /** True when the server said a transaction is open on {@code c}; null if unknown. */
  static Boolean open(Connection c) {
    if (c instanceof org.mariadb.jdbc.Connection) {
      int status = ((org.mariadb.jdbc.Connection) c).getContext().getServerStatus();
      return (status & ServerStatus.IN_TRANSACTION) != 0;
    }
    return null;
  }
}
