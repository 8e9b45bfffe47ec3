package dev.lagwise.monitor;

import java.sql.Connection;
import java.sql.SQLException;

/** Opens the monitor's own connection to one host, with short connect and socket timeouts. */
@FunctionalInterface
public interface NodeConnector {
  Connection connect(int node) throws SQLException;
}
