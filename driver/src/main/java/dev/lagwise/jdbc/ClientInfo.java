package dev.lagwise.jdbc;

import java.sql.SQLException;
import java.util.Properties;

/**
 * Where {@code getClientInfo} is answered. PgJDBC reports {@code ApplicationName} from the server's
 * ParameterStatus messages, so SQL ({@code SET application_name}) changes it as much as {@code
 * setClientInfo}: the answer comes from a vendor connection brought up to the session (its recorded
 * ops replayed in order), with no round trip when it is already in sync. Inside a transaction that
 * is the transaction's connection, the only one that may apply session SQL that a rollback would
 * undo. With nothing open, nothing is opened: the value set through JDBC, else PgJDBC's {@code
 * ApplicationName} parameter.
 */
final class ClientInfo {

  private ClientInfo() {}

  /** The synced vendor connection to ask, or null when none is open. */
  static PhysicalConnection source(LogicalConnection c) throws SQLException {
    int node = c.router.transactionNode();
    if (node < 0) {
      PhysicalConnection open = c.physicals.anyOpen();
      if (open == null) {
        return null;
      }
      node = open.node;
    }
    return c.physical(node);
  }

  static String unopened(LogicalConnection c, String name) {
    return unopened(c).getProperty(name);
  }

  static Properties unopened(LogicalConnection c) {
    Properties p = new Properties();
    if (c.state.clientInfo != null) {
      p.putAll(c.state.clientInfo);
    } else if (c.spec.dialect == Dialect.POSTGRESQL) {
      String name = c.spec.vendorParameter("ApplicationName");
      if (name != null) {
        p.setProperty("ApplicationName", name);
      }
    }
    return p;
  }
}
