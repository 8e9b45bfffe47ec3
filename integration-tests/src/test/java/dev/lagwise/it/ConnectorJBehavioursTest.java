package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * MySQL Connector/J's own behaviours that touch routing, through {@code jdbc:lagwise:mysql://}
 * against the testkit's MariaDB servers (a combination users run): server-side and cached prepared
 * statements, rewritten batches, multi-statement strings and {@code readOnlyPropagatesToServer}.
 * Where a result can be compared, it is compared with plain Connector/J on the primary with the
 * same properties (same update counts, keys, errors). The {@code mysql} dialect has no replica
 * positions yet, so reads run on the primary; the tests that expect replicas are disabled until
 * GTID positions come.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 1)
class ConnectorJBehavioursTest {

  static String url(Cluster cluster, String props) {
    String url = cluster.lagwiseUrl();
    String prefix = "jdbc:lagwise:mariadb:";
    assertThat(url).startsWith(prefix);
    return "jdbc:lagwise:mysql:" + url.substring(prefix.length()) + "?" + props;
  }

  static Connection lagwise(Cluster cluster, String props) throws SQLException {
    return DriverManager.getConnection(url(cluster, props), cluster.user(), cluster.password());
  }

  /** Plain Connector/J on the primary, with the same properties. */
  static Connection vendor(Cluster cluster, String props) throws SQLException {
    Node p = cluster.primary();
    return DriverManager.getConnection(
        "jdbc:mysql://" + p.host() + ":" + p.port() + "/" + cluster.database() + "?" + props,
        cluster.user(),
        cluster.password());
  }

  static long value(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      assertThat(rs.next()).as(sql).isTrue();
      return rs.getLong(rs.getMetaData().getColumnCount());
    }
  }

  static long globalStatus(Cluster cluster, String name) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      return value(s, "SHOW GLOBAL STATUS LIKE '" + name + "'");
    }
  }

  static void assertOnPrimary(Cluster cluster, Connection c) throws SQLException {
    assertThat(c.unwrap(LagwiseConnection.class).lastNode())
        .endsWith(":" + cluster.primary().port());
  }

  static void table(Cluster cluster, String name, String columns) throws SQLException {
    try (Connection c = cluster.primary().connect();
        Statement s = c.createStatement()) {
      s.execute("DROP TABLE IF EXISTS " + name);
      s.execute("CREATE TABLE " + name + " (" + columns + ")");
    }
  }

  // ---------------------------------------------------------------- useServerPrepStmts

  @Test
  void serverPreparedStatementsWriteOnThePrimaryAndReturnKeys(Cluster cluster) throws Exception {
    table(cluster, "cjb_sps", "id int AUTO_INCREMENT PRIMARY KEY, v varchar(20)");
    long prepared = globalStatus(cluster, "Com_stmt_prepare");
    try (Connection c = lagwise(cluster, "useServerPrepStmts=true")) {
      List<Long> ids = new ArrayList<>();
      try (PreparedStatement ins =
          c.prepareStatement(
              "INSERT INTO cjb_sps (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
        for (String v : List.of("a", "b", "c")) {
          ins.setString(1, v);
          assertThat(ins.executeUpdate()).isEqualTo(1);
          assertOnPrimary(cluster, c);
          try (ResultSet keys = ins.getGeneratedKeys()) {
            assertThat(keys.next()).isTrue();
            ids.add(keys.getLong(1));
          }
        }
      }
      assertThat(ids).hasSize(3).doesNotHaveDuplicates().isSorted();
      try (PreparedStatement sel = c.prepareStatement("SELECT v FROM cjb_sps WHERE id = ?")) {
        for (int i = 0; i < 3; i++) {
          sel.setLong(1, ids.get(i));
          try (ResultSet rs = sel.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo(List.of("a", "b", "c").get(i));
          }
        }
      }
      // In a transaction the prepared write and read share the primary's session.
      c.setAutoCommit(false);
      try (PreparedStatement ins = c.prepareStatement("INSERT INTO cjb_sps (v) VALUES (?)");
          PreparedStatement count = c.prepareStatement("SELECT COUNT(*), @@port FROM cjb_sps")) {
        ins.setString(1, "d");
        ins.executeUpdate();
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(4);
          assertThat(rs.getInt(2)).isEqualTo(cluster.primary().port());
        }
        c.rollback();
        try (ResultSet rs = count.executeQuery()) {
          rs.next();
          assertThat(rs.getLong(1)).isEqualTo(3);
        }
        c.commit();
      }
    }
    assertThat(globalStatus(cluster, "Com_stmt_prepare") - prepared)
        .as("Connector/J prepared on the server")
        .isGreaterThanOrEqualTo(3);
  }

  // ---------------------------------------------------------------- cachePrepStmts

  @Test
  void cachedServerPreparedStatementsAreReusedAndStayCorrect(Cluster cluster) throws Exception {
    table(cluster, "cjb_cache", "id int PRIMARY KEY, v int");
    String props = "useServerPrepStmts=true&cachePrepStmts=true&prepStmtCacheSize=50";
    long prepared = globalStatus(cluster, "Com_stmt_prepare");
    try (Connection c = lagwise(cluster, props)) {
      for (int i = 0; i < 20; i++) {
        try (PreparedStatement ins = c.prepareStatement("INSERT INTO cjb_cache VALUES (?, ?)")) {
          ins.setInt(1, i);
          ins.setInt(2, i * 10);
          assertThat(ins.executeUpdate()).isEqualTo(1);
          assertOnPrimary(cluster, c);
        }
        try (PreparedStatement sel = c.prepareStatement("SELECT v FROM cjb_cache WHERE id = ?")) {
          sel.setInt(1, i);
          try (ResultSet rs = sel.executeQuery()) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(i * 10);
          }
        }
        // The same cached statement, now inside a transaction, then after it.
        c.setAutoCommit(false);
        try (PreparedStatement upd =
            c.prepareStatement("UPDATE cjb_cache SET v = v + 1 WHERE id = ?")) {
          upd.setInt(1, i);
          assertThat(upd.executeUpdate()).isEqualTo(1);
        }
        c.commit();
        c.setAutoCommit(true);
      }
      try (Statement s = c.createStatement()) {
        assertThat(value(s, "SELECT SUM(v) FROM cjb_cache")).isEqualTo(10L * 190 + 20);
      }
    }
    assertThat(globalStatus(cluster, "Com_stmt_prepare") - prepared)
        .as("60 prepares of 3 statements, cached per vendor connection")
        .isBetween(3L, 12L);
  }

  // ---------------------------------------------------------------- rewriteBatchedStatements

  @Test
  void rewrittenBatchesRunOnThePrimaryAsConnectorJRunsThem(Cluster cluster) throws Exception {
    String props = "rewriteBatchedStatements=true";
    table(cluster, "cjb_batch_l", "id int AUTO_INCREMENT PRIMARY KEY, v int");
    table(cluster, "cjb_batch_v", "id int AUTO_INCREMENT PRIMARY KEY, v int");
    long inserts = globalStatus(cluster, "Com_insert");
    BatchOutcome lw;
    try (Connection c = lagwise(cluster, props)) {
      lw = batch(c, "cjb_batch_l");
      assertOnPrimary(cluster, c);
      try (Statement s = c.createStatement()) {
        assertThat(value(s, "SELECT COUNT(*) FROM cjb_batch_l")).as("50 - 5 + 1").isEqualTo(46);
      }
    }
    long lagwiseInserts = globalStatus(cluster, "Com_insert") - inserts;
    BatchOutcome vendor;
    try (Connection c = vendor(cluster, props)) {
      vendor = batch(c, "cjb_batch_v");
    }
    assertThat(lw).isEqualTo(vendor);
    assertThat(lagwiseInserts).as("rewritten into multi-row INSERTs").isLessThan(10);
  }

  record BatchOutcome(String counts, String keys, String statementCounts) {}

  static BatchOutcome batch(Connection c, String table) throws SQLException {
    int[] counts;
    List<Long> keys = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO " + table + " (v) VALUES (?)", Statement.RETURN_GENERATED_KEYS)) {
      for (int i = 0; i < 50; i++) {
        ps.setInt(1, i);
        ps.addBatch();
      }
      counts = ps.executeBatch();
      try (ResultSet rs = ps.getGeneratedKeys()) {
        while (rs.next()) {
          keys.add(rs.getLong(1));
        }
      }
    }
    int[] statementCounts;
    try (Statement s = c.createStatement()) {
      s.addBatch("UPDATE " + table + " SET v = v + 1 WHERE id <= 10");
      s.addBatch("DELETE FROM " + table + " WHERE id > 45");
      s.addBatch("INSERT INTO " + table + " (v) VALUES (1000)");
      statementCounts = s.executeBatch();
    }
    return new BatchOutcome(
        Arrays.toString(counts), keys.toString(), Arrays.toString(statementCounts));
  }

  // ---------------------------------------------------------------- allowMultiQueries

  @Test
  void multiStatementStringsWithAWriteRunWholeOnThePrimary(Cluster cluster) throws Exception {
    table(cluster, "cjb_multi", "id int PRIMARY KEY, v int");
    try (Connection c = lagwise(cluster, "allowMultiQueries=true");
        Statement s = c.createStatement()) {
      assertThat(
              s.execute(
                  "INSERT INTO cjb_multi VALUES (1, 10); INSERT INTO cjb_multi VALUES (2, 20)"))
          .isFalse();
      assertOnPrimary(cluster, c);
      assertThat(s.getUpdateCount()).isEqualTo(1);
      assertThat(s.getMoreResults()).isFalse();
      assertThat(s.getUpdateCount()).isEqualTo(1);

      // The SELECT sees the UPDATE before it: one string, one node, in order.
      assertThat(
              s.execute(
                  "UPDATE cjb_multi SET v = v + 1 WHERE id = 1;"
                      + " SELECT v, @@port FROM cjb_multi WHERE id = 1"))
          .isFalse();
      assertOnPrimary(cluster, c);
      assertThat(s.getUpdateCount()).isEqualTo(1);
      assertThat(s.getMoreResults()).isTrue();
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(11);
        assertThat(rs.getInt(2)).isEqualTo(cluster.primary().port());
      }

      assertThat(s.execute("SELECT 1; SELECT 2")).isTrue();
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(1);
      }
      assertThat(s.getMoreResults()).isTrue();
      try (ResultSet rs = s.getResultSet()) {
        rs.next();
        assertThat(rs.getInt(1)).isEqualTo(2);
      }

      // Transaction control inside one string: committed, and rolled back by a later ROLLBACK.
      s.execute("START TRANSACTION; INSERT INTO cjb_multi VALUES (3, 30); COMMIT");
      assertOnPrimary(cluster, c);
      s.execute("START TRANSACTION; INSERT INTO cjb_multi VALUES (4, 40)");
      assertOnPrimary(cluster, c);
      s.execute("ROLLBACK");
      assertOnPrimary(cluster, c);
      assertThat(c.unwrap(LagwiseConnection.class).isPinnedToPrimary())
          .as("transaction control in a multi-statement string pins")
          .isTrue();
      assertThat(value(s, "SELECT COUNT(*) FROM cjb_multi")).isEqualTo(3);
    }
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      assertThat(value(s, "SELECT COUNT(*) FROM cjb_multi")).isEqualTo(3);
      assertThat(value(s, "SELECT v FROM cjb_multi WHERE id = 1")).isEqualTo(11);
    }
  }

  /**
   * A transaction begun inside a multi-statement string is seen through Connector/J's server
   * status: {@code commit()} then commits it, as on Connector/J alone.
   */
  @Test
  void aTransactionBegunInAMultiStatementStringIsCommittedByCommit(Cluster cluster)
      throws Exception {
    table(cluster, "cjb_multi_tx", "id int PRIMARY KEY");
    try (Connection c = lagwise(cluster, "allowMultiQueries=true");
        Statement s = c.createStatement()) {
      s.execute("START TRANSACTION; INSERT INTO cjb_multi_tx VALUES (1)");
      c.setAutoCommit(false);
      c.commit();
      assertThat(countOnPrimary(cluster, "cjb_multi_tx")).as("committed by commit()").isEqualTo(1);
      // DDL commits implicitly: the same with a statement that follows it.
      c.setAutoCommit(true);
      s.execute("START TRANSACTION; INSERT INTO cjb_multi_tx VALUES (2)");
      s.execute("CREATE TABLE IF NOT EXISTS cjb_multi_tx2 (id int)");
      assertThat(countOnPrimary(cluster, "cjb_multi_tx")).as("committed by DDL").isEqualTo(2);
      s.execute("INSERT INTO cjb_multi_tx VALUES (3)");
      assertThat(countOnPrimary(cluster, "cjb_multi_tx"))
          .as("autocommit after the DDL")
          .isEqualTo(3);
    }
  }

  /**
   * MySQL Connector/J's {@code getAutoCommit()} is its own flag, which {@code SET autocommit=0}
   * sent as SQL does not change. Lagwise follows the server's status flags instead (and brings
   * Connector/J's flag along), so that the statements after it are a transaction on one node and
   * {@code setAutoCommit(true)} reaches the server and commits, as it does on Connector/J alone.
   */
  @Test
  void setAutocommitInSqlIsFollowedFromTheServer(Cluster cluster) throws Exception {
    table(cluster, "cjb_sql_ac", "id int PRIMARY KEY");
    try (Connection c = lagwise(cluster, "");
        Statement s = c.createStatement()) {
      s.execute("SET autocommit = 0");
      assertThat(c.getAutoCommit()).as("the server's autocommit").isFalse();
      s.execute("INSERT INTO cjb_sql_ac VALUES (1)");
      assertThat(countOnPrimary(cluster, "cjb_sql_ac")).as("not committed yet").isZero();
      c.setAutoCommit(true);
      assertThat(countOnPrimary(cluster, "cjb_sql_ac"))
          .as("setAutoCommit(true) commits")
          .isEqualTo(1);
      s.execute("SET @@session.autocommit = 0");
      s.execute("INSERT INTO cjb_sql_ac VALUES (2)");
      c.commit();
      assertThat(countOnPrimary(cluster, "cjb_sql_ac")).as("commit() commits").isEqualTo(2);
      s.execute("SET autocommit = 1");
      assertThat(c.getAutoCommit()).isTrue();
      s.execute("INSERT INTO cjb_sql_ac VALUES (3)");
      assertThat(countOnPrimary(cluster, "cjb_sql_ac")).as("autocommit again").isEqualTo(3);
    }
    try (Connection c = vendor(cluster, "");
        Statement s = c.createStatement()) {
      s.execute("SET autocommit = 0");
      s.execute("INSERT INTO cjb_sql_ac VALUES (11)");
      c.setAutoCommit(true);
      assertThat(countOnPrimary(cluster, "cjb_sql_ac"))
          .as("Connector/J alone: setAutoCommit(true) commits")
          .isEqualTo(4);
    }
  }

  static long countOnPrimary(Cluster cluster, String table) throws SQLException {
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      return value(s, "SELECT COUNT(*) FROM " + table);
    }
  }

  // ---------------------------------------------------------------- readOnlyPropagatesToServer

  /** What a statement did: its update count, or the SQLState it failed with. */
  static String outcome(Statement s, String sql) {
    try {
      return "count " + s.executeUpdate(sql);
    } catch (SQLException e) {
      return "SQLState " + e.getSQLState();
    }
  }

  @ParameterizedTest(name = "readOnlyPropagatesToServer={0}")
  @ValueSource(booleans = {true, false})
  void setReadOnlyIsConnectorJsAndNeverLeavesThePrimaryReadOnly(boolean propagates, Cluster cluster)
      throws Exception {
    String t = "cjb_ro_" + propagates;
    table(cluster, t, "id int PRIMARY KEY");
    String props = "readOnlyPropagatesToServer=" + propagates;
    List<String> lw = readOnlyScript(lagwise(cluster, props), t, 0);
    List<String> vendor = readOnlyScript(vendor(cluster, props), t, 100);
    assertThat(lw).as("Lagwise as Connector/J").isEqualTo(vendor);

    try (Connection c = lagwise(cluster, props);
        Statement s = c.createStatement()) {
      c.setReadOnly(true);
      c.setReadOnly(false);
      assertThat(outcome(s, "INSERT INTO " + t + " VALUES (1000)")).isEqualTo("count 1");
      assertOnPrimary(cluster, c);
      c.setAutoCommit(false);
      assertThat(value(s, "SELECT @@session.tx_read_only, @@port"))
          .isEqualTo(cluster.primary().port());
      assertThat(value(s, "SELECT @@session.tx_read_only")).as("primary session").isZero();
      assertThat(outcome(s, "INSERT INTO " + t + " VALUES (1001)")).isEqualTo("count 1");
      c.commit();
    }
  }

  /**
   * Read-only on and off, writes in autocommit and in transactions; {@code base} keeps the two
   * runs' keys apart.
   */
  static List<String> readOnlyScript(Connection c, String t, int base) throws SQLException {
    List<String> out = new ArrayList<>();
    try (c;
        Statement s = c.createStatement()) {
      c.setReadOnly(true);
      out.add("read " + value(s, "SELECT 1"));
      // Connector/J (9.x) takes MariaDB's "5.5.5-10.11" handshake for 5.5.5 and propagates
      // nothing; against MySQL 5.6.5+ this is 1 with propagation on. Either way Connector/J
      // refuses the writes below itself (S1009), and so does Lagwise, through it.
      out.add("read-only session " + value(s, "SELECT @@session.tx_read_only"));
      out.add("autocommit write " + outcome(s, insert(t, base + 1)));
      out.add("autocommit execute " + executed(s, insert(t, base + 2)));
      c.setAutoCommit(false);
      out.add("read-only tx write " + outcome(s, insert(t, base + 3)));
      c.rollback();
      out.add("read-only tx read " + value(s, "SELECT 1"));
      c.commit();
      c.setAutoCommit(true);
      c.setReadOnly(false);
      out.add("write " + outcome(s, insert(t, base + 4)));
      c.setAutoCommit(false);
      out.add("tx write " + outcome(s, insert(t, base + 5)));
      out.add("tx read-only " + value(s, "SELECT @@session.tx_read_only"));
      c.commit();
      c.setAutoCommit(true);
      out.add("rows " + value(s, "SELECT COUNT(*) FROM " + t + " WHERE id > " + base));
    }
    return out;
  }

  static String insert(String table, int id) {
    return "INSERT INTO " + table + " VALUES (" + id + ")";
  }

  static String executed(Statement s, String sql) {
    try {
      s.execute(sql);
      return "count " + s.getUpdateCount();
    } catch (SQLException e) {
      return "SQLState " + e.getSQLState();
    }
  }

  // ---------------------------------------------------------------- reads on replicas

  @Test
  void readsGoToTheReplicaWithEveryOption(Cluster cluster) throws Exception {
    table(cluster, "cjb_replica", "id int PRIMARY KEY");
    try (Connection p = cluster.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("INSERT INTO cjb_replica VALUES (1)");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    int replica = cluster.replicas().get(0).port();
    for (String props :
        List.of(
            "useServerPrepStmts=true",
            "useServerPrepStmts=true&cachePrepStmts=true",
            "rewriteBatchedStatements=true",
            "allowMultiQueries=true",
            "readOnlyPropagatesToServer=true",
            "readOnlyPropagatesToServer=false")) {
      try (Connection c = lagwise(cluster, props + "&lagwise.waitForReplica=2s");
          Statement s = c.createStatement()) {
        assertThat(value(s, "SELECT @@port FROM cjb_replica WHERE id = 1"))
            .as(props)
            .isEqualTo(replica);
        try (PreparedStatement ps =
            c.prepareStatement("SELECT id, @@port FROM cjb_replica WHERE id = ?")) {
          ps.setInt(1, 1);
          try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            assertThat(rs.getInt(2)).as(props).isEqualTo(replica);
          }
        }
        if (props.startsWith("allowMultiQueries")) {
          assertThat(s.execute("SELECT @@port; SELECT @@port")).isTrue();
          try (ResultSet rs = s.getResultSet()) {
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(replica);
          }
        }
        // Lagwise's setReadOnly(true) sends a transaction to a replica, whatever Connector/J
        // propagates to the server; setReadOnly(false) brings writes back to a read-write primary.
        c.setReadOnly(true);
        c.setAutoCommit(false);
        assertThat(value(s, "SELECT @@port")).as(props).isEqualTo(replica);
        c.commit();
        c.setAutoCommit(true);
        c.setReadOnly(false);
        s.executeUpdate("INSERT INTO cjb_replica VALUES (2) ON DUPLICATE KEY UPDATE id = id");
        assertOnPrimary(cluster, c);
      }
    }
  }
}
