package dev.lagwise.it.tx;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.testkit.ReplicatedCluster;
import java.io.StringReader;
import java.sql.Connection;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Case 8 on PostgreSQL: updatable result sets and batches (see {@link BypassWritesCases}), and COPY
 * through the vendor interface.
 *
 * <p>Expected decision for COPY: {@code unwrap} to a vendor interface returns the primary's vendor
 * connection, pins the logical connection to the primary and counts as a write, whose position is
 * captured at the next statement, commit, rollback, setAutoCommit or close of the logical
 * connection.
 */
@ReplicatedCluster(replicas = 2)
class PostgresBypassWritesCasesTest extends BypassWritesCases {

  @Override
  String prefix() {
    return "pbw";
  }

  @Override
  String[] procedureDdl() {
    return new String[] {
      "CREATE OR REPLACE PROCEDURE pbw_insert(r varchar, i bigint) LANGUAGE sql"
          + " AS $$ INSERT INTO pbw_rows VALUES (r, i) $$"
    };
  }

  long copy(Connection c, String run) throws Exception {
    PGConnection pg = c.unwrap(PGConnection.class);
    return pg.getCopyAPI()
        .copyIn(
            "COPY pbw_rows FROM STDIN WITH (FORMAT csv)",
            new StringReader(run + ",1\n" + run + ",2\n"));
  }

  @Test
  void case8CopyInAutocommitThenReadsOnThisAndAnotherConnection() throws Exception {
    String run = "case8 copy autocommit";
    deleteRun(run);
    Cases.pauseReplicas(cluster, canary());
    try (Connection c = Cases.lagwise(cluster)) {
      assertThat(copy(c, run)).as("rows copied").isEqualTo(2);
      assertThat(Cases.ids(c, rows(), run))
          .as("a read on the connection that ran COPY, replay paused")
          .containsExactly(1L, 2L);
      assertThat(readElsewhere(run))
          .as("another Lagwise connection after the COPY connection's next statement")
          .containsExactly(1L, 2L);
    }
  }

  @Test
  void case8CopyInATransactionThenCommit() throws Exception {
    String run = "case8 copy commit";
    deleteRun(run);
    Cases.pauseReplicas(cluster, canary());
    try (Connection c = Cases.lagwise(cluster)) {
      c.setAutoCommit(false);
      assertThat(copy(c, run)).as("rows copied").isEqualTo(2);
      c.commit();
      assertThat(Cases.ids(cluster, rows(), run))
          .as("the primary after commit() of the COPY's transaction")
          .containsExactly(1L, 2L);
      assertThat(readElsewhere(run))
          .as("another Lagwise connection after commit(), replay paused")
          .containsExactly(1L, 2L);
    }
  }
}
