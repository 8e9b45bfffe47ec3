package dev.lagwise.it.soak;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * The soak's finding, made deterministic: a commit that times out on a hung primary is reported
 * with the vendor's SQLState, and the server commits it once it resumes (the COMMIT was already in
 * its socket buffer). The application is told "failed" about a transaction that committed; issue 10
 * asks for 08007 (outcome unknown) there.
 */
@ReplicatedCluster(replicas = 2, isolated = true)
class PostgresCommitOutcomeTest {

  @Test
  void aCommitLostInFlightIsReportedAsUnknown(Cluster cluster) throws Exception {
    Node primary = cluster.primary();
    try (Connection direct = primary.connect();
        Statement s = direct.createStatement()) {
      s.execute("CREATE TABLE commit_outcome (id int PRIMARY KEY)");
    }
    String url =
        cluster.lagwiseUrl()
            + "?socketTimeout=2&connectTimeout=2&lagwise.pollInterval=100ms&lagwise.probeTimeout=1s";
    SQLException failure;
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password());
        Statement s = c.createStatement()) {
      c.setAutoCommit(false);
      s.executeUpdate("INSERT INTO commit_outcome VALUES (1)");
      primary.hang();
      try {
        failure = catchThrowableOfType(SQLException.class, c::commit);
      } finally {
        primary.unhang();
      }
    }
    assertThat((Throwable) failure).as("commit on a hung primary").isNotNull();
    try (Connection direct = primary.connect();
        Statement s = direct.createStatement();
        ResultSet rs = s.executeQuery("SELECT count(*) FROM commit_outcome")) {
      rs.next();
      int rows = rs.getInt(1);
      // With the row committed, anything but 08007 tells the application a lie.
      if (rows == 1) {
        assertThat(failure.getSQLState()).as(failure.getMessage()).isEqualTo("08007");
      }
    }
  }
}
