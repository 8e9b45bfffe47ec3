package dev.lagwise.monitor;

import java.sql.Connection;
import java.sql.SQLException;

/** One small query on the monitor's own connection to a host: its role and its log position. */
@FunctionalInterface
public interface NodeProbe {
  Observation probe(Connection connection) throws SQLException;
}
