package dev.lagwise.it.mysql;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the MariaDB suites share: URLs for either driver, direct queries on one node, and GTID
 * positions read as a map from domain to sequence number.
 */
final class GtidSupport {

  private GtidSupport() {}

  /**
   * A Lagwise URL for {@code cluster} with the vendor driver of {@code scheme} ({@code mariadb}:
   * MariaDB Connector/J, {@code mysql}: MySQL Connector/J), built from the parts, not by replacing
   * text in the testkit's URL.
   */
  static String url(Cluster cluster, String scheme, String hostList, String params) {
    return "jdbc:lagwise:"
        + scheme
        + "://"
        + hostList
        + "/"
        + cluster.database()
        + (params.isEmpty() ? "" : "?" + params);
  }

  static Connection connect(Cluster cluster, String scheme, String params) throws SQLException {
    return DriverManager.getConnection(
        url(cluster, scheme, cluster.hostList(), params), cluster.user(), cluster.password());
  }

  static String hostPort(Node n) {
    return n.host() + ":" + n.port();
  }

  static boolean onPrimary(Connection c, Cluster cluster) throws SQLException {
    return hostPort(cluster.primary()).equals(c.unwrap(LagwiseConnection.class).lastNode());
  }

  /** The first column of the first row as a long. */
  static long queryLong(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      if (!rs.next()) {
        throw new AssertionError("no row from " + sql);
      }
      return rs.getLong(1);
    }
  }

  /** The first column of the first row, on a direct vendor connection to {@code node}. */
  static String queryString(Node node, String sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Runs statements in order on a direct vendor connection to {@code node}. */
  static void exec(Node node, String... sql) throws SQLException {
    try (Connection c = node.connect();
        Statement s = c.createStatement()) {
      for (String q : sql) {
        s.execute(q);
      }
    }
  }

  /** The primary's binlog GTID position, domain to sequence. */
  static Map<Long, Long> binlogPos(Cluster cluster) throws SQLException {
    return positions(queryString(cluster.primary(), "SELECT @@gtid_binlog_pos"));
  }

  /**
   * {@code 0-1-12,1-1-3} as {0=12, 1=3}. Also reads a token's text after its {@code mariadb:}
   * prefix. Throws on anything else, so a test sees what the driver produced.
   */
  static Map<Long, Long> positions(String text) {
    Map<Long, Long> out = new TreeMap<>();
    if (text == null || text.isEmpty()) {
      return out;
    }
    for (String gtid : text.split(",", -1)) {
      String[] parts = gtid.trim().split("-", -1);
      if (parts.length != 3) {
        throw new AssertionError("not a MariaDB GTID position: '" + text + "'");
      }
      long domain = Long.parseLong(parts[0]);
      long sequence = Long.parseLong(parts[2]);
      if (out.put(domain, sequence) != null) {
        throw new AssertionError("domain " + domain + " twice in '" + text + "'");
      }
    }
    return out;
  }

  /** Inserts a row through {@code c} and returns its generated id (works with both drivers). */
  static long insert(Connection c, String table, long v) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO " + table + " (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      ps.setLong(1, v);
      ps.executeUpdate();
      try (ResultSet keys = ps.getGeneratedKeys()) {
        if (!keys.next()) {
          throw new AssertionError("no generated key for an insert into " + table);
        }
        return keys.getLong(1);
      }
    }
  }

  /** True when the row is visible to this connection's next read. */
  static boolean sees(Connection c, String table, long id) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v FROM " + table + " WHERE id = ?")) {
      ps.setLong(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }
}
