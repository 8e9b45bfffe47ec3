package dev.lagwise.it.soak;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;

/** What differs between engines in the soak: the vendor's timeout options and who is connected. */
enum SoakTarget {
  POSTGRESQL(
      // PgJDBC counts these timeouts in seconds.
      "connectTimeout=3&socketTimeout=5&ApplicationName=%s",
      "SELECT count(*) FROM pg_stat_activity WHERE usename = ?"
          + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()"),
  MARIADB(
      // Connector/J counts these in milliseconds; a processlist has no application name.
      "connectTimeout=3000&socketTimeout=5000",
      "SELECT count(*) FROM information_schema.processlist WHERE user = ?"
          + " AND id <> connection_id() AND command NOT LIKE 'Binlog Dump%'");

  private final String vendorOptions;
  private final String countSql;

  SoakTarget(String vendorOptions, String countSql) {
    this.vendorOptions = vendorOptions;
    this.countSql = countSql;
  }

  /** The pool's URL: short vendor timeouts and a fast monitor, as the soak's brief asks. */
  String url(Cluster cluster, String applicationName) {
    return cluster.lagwiseUrl()
        + "?"
        + String.format(java.util.Locale.ROOT, vendorOptions, applicationName)
        + "&lagwise.pollInterval=100ms&lagwise.probeTimeout=1s"
        + extraOptions();
  }

  /**
   * {@code -Dlagwise.soakOptions=a=b&c=d} adds URL options, e.g. {@code lagwise.consistency=none}
   * to see the read-your-writes invariants fail.
   */
  private static String extraOptions() {
    String options = System.getProperty("lagwise.soakOptions", "");
    return options.isEmpty() ? "" : "&" + options;
  }

  /**
   * Sessions of the cluster's user on every running node (the application's and the monitor's),
   * read through a direct connection that does not count itself.
   */
  Map<String, Integer> sessions(Cluster cluster) throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    for (Node node : cluster.nodes()) {
      if (!node.isRunning()) {
        continue;
      }
      try (Connection c = node.connect();
          PreparedStatement ps = c.prepareStatement(countSql)) {
        ps.setString(1, cluster.user());
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          out.put(node.name(), rs.getInt(1));
        }
      }
    }
    return out;
  }
}
