package dev.lagwise.monitor;

import java.sql.Connection;
import java.sql.SQLException;

/** One small query on the monitor's own connection to a host: its role and its log position. */
@FunctionalInterface
public interface NodeProbe {
  Observation probe(Connection connection) throws SQLException;

  /**
   * As {@link #probe(Connection)}, knowing which host it is ({@code node}, in URL order): probes
   * whose positions depend on which host claims to be primary (GTID ledgers) need it.
   */
  default Observation probe(int node, Connection connection) throws SQLException {
    return probe(connection);
  }
}
