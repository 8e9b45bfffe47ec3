package dev.lagwise.it;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * What the pool and Spring tests observe from outside the driver: the backends each server has for
 * an application name, read through direct vendor connections to every node.
 */
final class HikariITSupport {

  private HikariITSupport() {}

  /** A fresh application name (PostgreSQL keeps 63 bytes of it). */
  static String uniqueApplicationName(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Client backends per node name whose {@code application_name} is {@code applicationName}. */
  static Map<String, Set<Integer>> backends(Cluster cluster, String applicationName)
      throws SQLException {
    Map<String, Set<Integer>> out = new LinkedHashMap<>();
    for (Node node : cluster.nodes()) {
      Set<Integer> pids = new TreeSet<>();
      try (Connection c = node.connect();
          PreparedStatement ps =
              c.prepareStatement(
                  "SELECT pid FROM pg_stat_activity WHERE application_name = ?"
                      + " AND backend_type = 'client backend' AND pid <> pg_backend_pid()")) {
        ps.setString(1, applicationName);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            pids.add(rs.getInt(1));
          }
        }
      }
      out.put(node.name(), pids);
    }
    return out;
  }

  /** Number of backends per node name, from {@link #backends}. */
  static Map<String, Integer> backendCounts(Cluster cluster, String applicationName)
      throws SQLException {
    Map<String, Integer> out = new LinkedHashMap<>();
    backends(cluster, applicationName).forEach((node, pids) -> out.put(node, pids.size()));
    return out;
  }

  /** True when the direct connection to the primary reports no recovery (a sanity check). */
  static boolean primaryIsInRecovery(Cluster cluster) throws SQLException {
    try (Connection c = cluster.primary().connect();
        PreparedStatement ps = c.prepareStatement("SELECT pg_is_in_recovery()");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      return rs.getBoolean(1);
    }
  }
}
