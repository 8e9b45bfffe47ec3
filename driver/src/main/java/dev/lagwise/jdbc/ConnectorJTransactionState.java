package dev.lagwise.jdbc;

import com.mysql.cj.MysqlConnection;
import java.sql.Connection;

/**
 * MySQL Connector/J's record of the server's transaction state and autocommit, from the status
 * flags of every OK packet (the same flags MySQL and MariaDB send). In a class of its own so that
 * only Connector/J connections load its types.
 */
final class ConnectorJTransactionState {

  private ConnectorJTransactionState() {}

  /** True when the server said a transaction is open on {@code c}; null if unknown. */
  static Boolean open(Connection c) {
    if (c instanceof MysqlConnection) {
      return ((MysqlConnection) c).getSession().getServerSession().inTransactionOnServer();
    }
    return null;
  }

  /**
   * The server's autocommit on {@code c}, from its last status flags ({@code isAutocommit}, not
   * Connector/J's own {@code isAutoCommit} flag, which SQL does not change); null if unknown.
   */
  static Boolean autoCommit(Connection c) {
    if (c instanceof MysqlConnection) {
      return ((MysqlConnection) c).getSession().getServerSession().isAutocommit();
    }
    return null;
  }
}
