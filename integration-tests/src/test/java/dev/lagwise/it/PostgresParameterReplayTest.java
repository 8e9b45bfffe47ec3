package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The parameters a routed prepared statement recorded, applied to PgJDBC's statement at execute,
 * leave it as the application's own calls would have: the same wire traffic and the same errors.
 * PgJDBC keeps a parameter's type across executions when the new value is a null of unspecified
 * type ({@code setNull(i, Types.OTHER)}), so that its server-prepared statement stays valid.
 */
@ReplicatedCluster(replicas = 2)
class PostgresParameterReplayTest {

  static Cluster cluster;

  @BeforeAll
  static void init(Cluster c) {
    cluster = c;
  }

  /**
   * Parse messages sent by {@code url}'s connection for {@code setNull(1, OTHER)} after a string.
   */
  private static long parsesForUnspecifiedNull(String url) throws SQLException {
    WireCounter.Counts counts = WireCounter.register();
    String sep = url.contains("?") ? "&" : "?";
    try (Connection c =
        DriverManager.getConnection(
            url + sep + "prepareThreshold=1&" + counts.urlProperties(),
            cluster.user(),
            cluster.password())) {
      // In a transaction every execution runs on the primary's one vendor statement.
      c.setAutoCommit(false);
      try (PreparedStatement ps = c.prepareStatement("SELECT /* replay */ ?")) {
        for (int i = 0; i < 3; i++) {
          // Server-prepared from the second execution on (prepareThreshold=1).
          ps.setString(1, "42");
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getString(1)).isEqualTo("42");
          }
        }
        long before = counts.messages('P');
        ps.setNull(1, Types.OTHER);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getString(1)).isNull();
        }
        long parses = counts.messages('P') - before;
        c.rollback();
        return parses;
      }
    } finally {
      WireCounter.unregister(counts);
    }
  }

  /**
   * Fails while {@code RecordingPreparedStatement.applyParameters} begins with the vendor's {@code
   * clearParameters()}, which forgets the types PgJDBC keeps for an unspecified null: the statement
   * is parsed again (PgJDBC's PreparedStatementTest#testAlternatingBindType).
   */
  @Test
  void anUnspecifiedNullReusesTheServerPreparedStatementAsOnPgJdbc() throws SQLException {
    long vendor = parsesForUnspecifiedNull(cluster.primary().jdbcUrl());
    assertThat(vendor).as("PgJDBC alone re-uses its prepared statement").isZero();
    assertThat(parsesForUnspecifiedNull(cluster.lagwiseUrl())).isEqualTo(vendor);
  }

  /** Parameters the application cleared and did not set again are not sent from before. */
  @Test
  void aClearedParameterIsMissingAsOnPgJdbc() throws SQLException {
    for (String url : new String[] {cluster.primary().jdbcUrl(), cluster.lagwiseUrl()}) {
      try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
          PreparedStatement ps = c.prepareStatement("SELECT ?::int + ?::int")) {
        ps.setInt(1, 1);
        ps.setInt(2, 2);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getInt(1)).isEqualTo(3);
        }
        ps.clearParameters();
        ps.setInt(1, 5);
        assertThatThrownBy(ps::executeQuery)
            .as(url)
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("No value specified for parameter 2")
            .extracting(e -> ((SQLException) e).getSQLState())
            .isEqualTo("22023");
      }
    }
  }
}
