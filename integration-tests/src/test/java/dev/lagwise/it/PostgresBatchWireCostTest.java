package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A prepared batch that returns generated keys costs through Lagwise exactly what it costs through
 * PgJDBC alone on the wire of the application's connection: the same Parse, Bind, Describe, Execute
 * and Sync messages and the same round trips (PgJDBC pipelines the batch and flushes when the
 * results it expects could fill the socket buffers: one round trip per row of 30 kB here, two in
 * all for small keys). Lagwise adds nothing on that connection inside a transaction, and only the
 * read of the primary's position (one round trip) after an autocommit batch.
 *
 * <p>Lagwise's lag monitor probes every host on connections of its own; {@link WireCounter} leaves
 * them out (PgJDBC's BatchDeadlockTest counts them too, since it reads the JVM-wide log).
 */
@ReplicatedCluster(replicas = 2)
class PostgresBatchWireCostTest {

  static final int ROWS = 200;

  static Cluster cluster;

  @BeforeAll
  static void schema(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS bwc_rows");
      s.execute("CREATE TABLE bwc_rows (id serial PRIMARY KEY, data text)");
    }
  }

  /** Frontend messages and round trips of one batch, in the order of {@link #cost}'s result. */
  static final char[] TYPES = {'P', 'B', 'D', 'E', 'S', 'Q'};

  /**
   * {@code keys}: how the statement asks for keys (RETURNING, column names, generated keys); {@code
   * payload}: characters per row.
   */
  @ParameterizedTest(name = "{0}, {1} chars per row, autocommit {2}")
  @CsvSource({
    "returning, 30000, false",
    "names, 30000, false",
    "generated, 30000, false",
    "names-id, 10, false",
    "names-id, 10, true",
    "generated, 30000, true",
  })
  void sameMessagesAndRoundTripsAsPgJdbc(String keys, int payload, boolean autoCommit)
      throws SQLException {
    String vendorUrl = cluster.primary().jdbcUrl();
    String vendor = cost(vendorUrl, keys, payload, autoCommit);
    String lagwise = cost(cluster.lagwiseUrl(), keys, payload, autoCommit);
    if (autoCommit) {
      // After an autocommit write Lagwise reads the primary's position: one query, one round trip.
      assertThat(lagwise).as("PgJDBC: %s", vendor).isEqualTo(plusCapture(vendor));
    } else {
      assertThat(lagwise).as("PgJDBC alone").isEqualTo(vendor);
    }
  }

  /** {@code vendor} plus the position query Lagwise runs after an autocommit write. */
  private static String plusCapture(String vendor) {
    String[] parts = vendor.split(" ");
    StringBuilder b = new StringBuilder();
    for (String part : parts) {
      String[] kv = part.split("=");
      long n = Long.parseLong(kv[1]);
      // An unnamed statement: Parse, Bind, Describe, Execute, Sync; one round trip.
      boolean more = !kv[0].equals("Q");
      b.append(b.length() == 0 ? "" : " ").append(kv[0]).append('=').append(more ? n + 1 : n);
    }
    return b.toString();
  }

  /** What one batch of {@link #ROWS} rows sent on the application's connections. */
  private static String cost(String url, String keys, int payload, boolean autoCommit)
      throws SQLException {
    WireCounter.Counts counts = WireCounter.register();
    String sep = url.contains("?") ? "&" : "?";
    String data = "X".repeat(payload);
    try (Connection c =
        DriverManager.getConnection(
            url + sep + counts.urlProperties(), cluster.user(), cluster.password())) {
      c.setAutoCommit(autoCommit);
      // Warm up: open the primary's connection and let the session settle before counting.
      try (Statement s = c.createStatement()) {
        s.executeUpdate("DELETE FROM bwc_rows WHERE id < 0");
      }
      if (!autoCommit) {
        c.commit();
      }
      long[] before = counts.snapshot();
      try (PreparedStatement ps = prepare(c, keys)) {
        for (int i = 0; i < ROWS; i++) {
          ps.setString(1, data);
          ps.addBatch();
        }
        int[] counted = ps.executeBatch();
        assertThat(counted).hasSize(ROWS);
      }
      long[] after = counts.snapshot();
      if (!autoCommit) {
        c.commit();
      }
      StringBuilder b = new StringBuilder();
      for (char t : TYPES) {
        b.append(t).append('=').append(after[t] - before[t]).append(' ');
      }
      return b.append("roundTrips=").append(after[128] - before[128]).toString();
    } finally {
      WireCounter.unregister(counts);
    }
  }

  private static PreparedStatement prepare(Connection c, String keys) throws SQLException {
    String insert = "INSERT INTO bwc_rows (data) VALUES (?)";
    switch (keys) {
      case "returning":
        return c.prepareStatement(insert + " RETURNING *");
      case "names":
        return c.prepareStatement(insert, new String[] {"id", "data"});
      case "names-id":
        return c.prepareStatement(insert, new String[] {"id"});
      default:
        return c.prepareStatement(insert, Statement.RETURN_GENERATED_KEYS);
    }
  }
}
