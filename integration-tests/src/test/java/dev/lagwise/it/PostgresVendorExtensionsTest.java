package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.io.ByteArrayOutputStream;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.CallableStatement;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.PGResultSetMetaData;
import org.postgresql.PGStatement;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.AutoSave;
import org.postgresql.jdbc.PgConnection;
import org.postgresql.jdbc.PgStatement;
import org.postgresql.largeobject.LargeObject;
import org.postgresql.largeobject.LargeObjectManager;
import org.postgresql.util.PGobject;

/**
 * PgJDBC's public extension interfaces on Lagwise's own connections and statements, on a primary
 * with two replicas: casts work, settings reach every vendor connection, COPY and large objects are
 * routed and captured, LISTEN pins, and internal classes stay reachable only through unwrap.
 */
@ReplicatedCluster(replicas = 2)
class PostgresVendorExtensionsTest {

  static Cluster cluster;

  @BeforeAll
  static void schema(Cluster c) throws SQLException {
    cluster = c;
    try (Connection p = c.primary().connect();
        Statement s = p.createStatement()) {
      s.execute("DROP TABLE IF EXISTS vx_copy, vx_points");
      s.execute("CREATE TABLE vx_copy (batch int, v text)");
      s.execute("CREATE TABLE vx_points (id int, p point)");
      s.execute("INSERT INTO vx_points VALUES (1, '(1,2)')");
      s.execute("CREATE SEQUENCE IF NOT EXISTS vx_seq");
    }
    c.awaitReplicasCaughtUp(Duration.ofSeconds(30));
  }

  @AfterEach
  void resume() {
    for (Node r : cluster.replicas()) {
      r.resumeReplay();
    }
  }

  static Connection connect() throws SQLException {
    return DriverManager.getConnection(
        cluster.lagwiseUrl() + "?lagwise.pollInterval=100ms", cluster.user(), cluster.password());
  }

  static boolean onReplica(Connection c) throws SQLException {
    String node = c.unwrap(LagwiseConnection.class).lastNode();
    return !node.endsWith(":" + cluster.primary().port());
  }

  static boolean pinned(Connection c) throws SQLException {
    return c.unwrap(LagwiseConnection.class).isPinnedToPrimary();
  }

  // ---------------------------------------------------------------- casts and unwrap

  @Test
  void theConnectionAndItsStatementsAreThePgJdbcInterfaces() throws SQLException {
    try (Connection c = connect()) {
      assertThat(c).isInstanceOf(PGConnection.class);
      assertThat(c.unwrap(PGConnection.class)).isSameAs(c);
      assertThat(c.isWrapperFor(PGConnection.class)).isTrue();
      try (Statement s = c.createStatement();
          PreparedStatement ps = c.prepareStatement("SELECT 1");
          ResultSet rs = ps.executeQuery()) {
        assertThat(s).isInstanceOf(PGStatement.class);
        assertThat(ps).isInstanceOf(PGStatement.class);
        assertThat(s.unwrap(PGStatement.class)).isSameAs(s);
        assertThat(rs.getMetaData()).isInstanceOf(PGResultSetMetaData.class);
      }
      assertThat(pinned(c)).as("nothing so far pins the session").isFalse();
      assertThat(c.unwrap(PgConnection.class))
          .as("an internal class is the primary's vendor connection")
          .isNotSameAs(c);
      assertThat(c.unwrap(BaseConnection.class)).isInstanceOf(PgConnection.class);
      assertThat(pinned(c)).as("which pins, as before").isTrue();
    }
  }

  @Test
  void resultSetMetadataIsPgJdbcs() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT id AS the_id FROM vx_points")) {
      PGResultSetMetaData md = (PGResultSetMetaData) rs.getMetaData();
      assertThat(md.getBaseColumnName(1)).isEqualTo("id");
      assertThat(md.getBaseTableName(1)).isEqualTo("vx_points");
      assertThat(onReplica(c)).isTrue();
    }
  }

  // ---------------------------------------------------------------- session settings

  /** A custom type for PostgreSQL's point: PgJDBC makes it by reflection. */
  public static class MyPoint extends PGobject {
    public MyPoint() {
      setType("point");
    }
  }

  /** The replica's vendor connection is open before, the primary's opens after addDataType. */
  @Test
  void addDataTypeReachesVendorConnectionsOpenNowAndLater() throws SQLException {
    try (Connection c = connect()) {
      assertThat(readPoint(c)).as("before: PgJDBC's own type").isNotInstanceOf(MyPoint.class);
      assertThat(onReplica(c)).isTrue();
      ((PGConnection) c).addDataType("point", MyPoint.class);
      assertThat(readPoint(c)).isInstanceOf(MyPoint.class);
      assertThat(onReplica(c)).as("served by the replica").isTrue();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT p FROM vx_points WHERE id = 1 FOR UPDATE")) {
        rs.next();
        assertThat(rs.getObject(1)).isInstanceOf(MyPoint.class);
      }
      assertThat(onReplica(c)).as("served by the primary").isFalse();
      assertThat(pinned(c)).isFalse();
      try (Statement s = c.createStatement()) {
        s.execute("DISCARD ALL");
      }
      assertThat(readPoint(c))
          .as("DISCARD ALL resets the server session, not PgJDBC's types")
          .isInstanceOf(MyPoint.class);
    }
  }

  @Test
  void addDataTypeByClassNameIsCheckedWhenCalled() throws SQLException {
    try (Connection c = connect()) {
      PGConnection pg = (PGConnection) c;
      assertThatThrownBy(() -> pg.addDataType("point", "no.such.Type"))
          .isInstanceOf(RuntimeException.class)
          .hasMessageContaining("point");
      pg.addDataType("point", MyPoint.class.getName());
      assertThat(readPoint(c)).isInstanceOf(MyPoint.class);
    }
  }

  static Object readPoint(Connection c) throws SQLException {
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT p FROM vx_points WHERE id = 1")) {
      rs.next();
      return rs.getObject(1);
    }
  }

  @Test
  void connectionSettingsAreLogicalAndReachEveryVendorConnection() throws SQLException {
    try (Connection c = connect()) {
      PGConnection pg = (PGConnection) c;
      try (Statement s = c.createStatement()) {
        s.executeQuery("SELECT 1").close();
      }
      pg.setPrepareThreshold(3);
      pg.setDefaultFetchSize(7);
      pg.setAutosave(AutoSave.ALWAYS);
      pg.setAdaptiveFetch(true);
      assertThat(pg.getPrepareThreshold()).isEqualTo(3);
      assertThat(pg.getDefaultFetchSize()).isEqualTo(7);
      assertThat(pg.getAutosave()).isEqualTo(AutoSave.ALWAYS);
      assertThat(pg.getAdaptiveFetch()).isTrue();
      assertThatThrownBy(() -> pg.setDefaultFetchSize(-1))
          .isInstanceOf(SQLException.class)
          .extracting(e -> ((SQLException) e).getSQLState())
          .isEqualTo("22023");
      Set<String> nodes = new HashSet<>();
      for (int i = 0; i < 4; i++) {
        String sql = i % 2 == 0 ? "SELECT 1" : "SELECT nextval('vx_seq')";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
          ps.executeQuery().close();
          PgStatement vendor = ps.unwrap(PgStatement.class);
          assertThat(vendor.getPrepareThreshold()).isEqualTo(3);
          assertThat(vendor.getFetchSize()).isEqualTo(7);
          assertThat(vendor.getAdaptiveFetch()).isTrue();
          assertThat(((PGConnection) vendor.getConnection()).getAutosave())
              .isEqualTo(AutoSave.ALWAYS);
          nodes.add(c.unwrap(LagwiseConnection.class).lastNode());
        }
      }
      assertThat(nodes).as("the replica opened before, the primary after the settings").hasSize(2);
      assertThat(pinned(c)).isFalse();
    }
  }

  @Test
  void readOnlyCallsNeitherPinNorOpenReplicas() throws SQLException {
    try (Connection c = connect()) {
      PGConnection pg = (PGConnection) c;
      assertThat(pg.escapeIdentifier("a\"b")).isEqualTo("\"a\"\"b\"");
      assertThat(pg.escapeLiteral("it's")).isEqualTo("it''s");
      assertThat(pg.getParameterStatus("server_version")).isNotEmpty();
      assertThat(pg.getParameterStatuses()).containsKey("TimeZone");
      assertThat(pg.getPreferQueryMode()).isNotNull();
      int pid = pg.getBackendPID();
      assertThat(pid).isEqualTo(primaryBackendOf(pid));
      assertThat(pinned(c)).isFalse();
      assertThat(readPoint(c)).isNotNull();
      assertThat(onReplica(c)).as("reads still go to replicas").isTrue();
    }
  }

  /** {@code pid} when it is a backend of the primary, else -1. */
  static int primaryBackendOf(int pid) throws SQLException {
    try (Connection direct = cluster.primary().connect();
        PreparedStatement ps =
            direct.prepareStatement("SELECT pid FROM pg_stat_activity WHERE pid = ?")) {
      ps.setInt(1, pid);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getInt(1) : -1;
      }
    }
  }

  // ---------------------------------------------------------------- COPY

  @Test
  void copyInIsAWriteTheNextReadSees() throws Exception {
    try (Connection c = connect()) {
      readPoint(c);
      for (Node r : cluster.replicas()) {
        r.pauseReplay();
      }
      long copied =
          ((PGConnection) c)
              .getCopyAPI()
              .copyIn("COPY vx_copy (batch, v) FROM STDIN", new StringReader("1\ta\n1\tb\n"));
      assertThat(copied).isEqualTo(2);
      assertThat(count(c, 1)).as("the next read sees both rows").isEqualTo(2);
      assertThat(onReplica(c)).as("the replicas have not replayed them").isFalse();
      assertThat(pinned(c)).as("COPY FROM pins nothing").isFalse();

      long streamed =
          ((PGConnection) c)
              .getCopyAPI()
              .copyIn(
                  "COPY vx_copy (batch, v) FROM STDIN",
                  new java.io.ByteArrayInputStream("2\tc\n".getBytes(StandardCharsets.UTF_8)));
      assertThat(streamed).isOne();
      assertThat(count(c, 2)).isOne();

      for (Node r : cluster.replicas()) {
        r.resumeReplay();
      }
      cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
      boolean replicaServed = false;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!replicaServed && System.nanoTime() < deadline) {
        assertThat(count(c, 1)).isEqualTo(2);
        replicaServed = onReplica(c);
        if (!replicaServed) {
          Thread.sleep(100);
        }
      }
      assertThat(replicaServed).as("a read once the replicas replayed the COPY").isTrue();
    }
  }

  @Test
  void copyInInsideATransactionRunsThereAndRollsBack() throws Exception {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      ((PGConnection) c)
          .getCopyAPI()
          .copyIn("COPY vx_copy (batch, v) FROM STDIN", new StringReader("3\tx\n"));
      assertThat(count(c, 3)).as("the transaction sees its COPY").isOne();
      c.rollback();
      c.setAutoCommit(true);
      try (Connection direct = cluster.primary().connect();
          Statement s = direct.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) FROM vx_copy WHERE batch = 3")) {
        rs.next();
        assertThat(rs.getInt(1)).as("rolled back with the transaction").isZero();
      }
    }
  }

  static int count(Connection c, int batch) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT count(*) FROM vx_copy WHERE batch = ?")) {
      ps.setInt(1, batch);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  @Test
  void copyOutIsARead() throws Exception {
    try (Connection c = connect()) {
      PGConnection pg = (PGConnection) c;
      StringWriter table = new StringWriter();
      pg.getCopyAPI().copyOut("COPY vx_points (id) TO STDOUT", table);
      assertThat(table.toString()).isEqualTo("1\n");
      assertThat(onReplica(c)).as("COPY table TO ran on a replica").isTrue();

      ByteArrayOutputStream query = new ByteArrayOutputStream();
      pg.getCopyAPI().copyOut("COPY (SELECT id FROM vx_points) TO STDOUT WITH (FORMAT csv)", query);
      assertThat(query.toString(StandardCharsets.UTF_8)).isEqualTo("1\n");
      assertThat(onReplica(c)).as("COPY (read query) TO ran on a replica").isTrue();

      pg.getCopyAPI().copyOut("COPY (SELECT nextval('vx_seq')) TO STDOUT", new StringWriter());
      assertThat(onReplica(c)).as("COPY of a query that writes ran on the primary").isFalse();
      assertThat(pinned(c)).isFalse();
    }
  }

  @Test
  void streamingCopyIsVendorAccess() throws SQLException {
    try (Connection c = connect()) {
      var out = ((PGConnection) c).getCopyAPI().copyOut("COPY vx_points (id) TO STDOUT");
      byte[] row = out.readFromCopy();
      assertThat(new String(row, StandardCharsets.UTF_8)).isEqualTo("1\n");
      while (out.readFromCopy() != null) {
        // drain
      }
      assertThat(pinned(c)).as("the vendor's operation outlives the call: pinned").isTrue();
    }
  }

  // ---------------------------------------------------------------- large objects, LISTEN

  @Test
  void largeObjectsWriteAndReadBackInOneTransaction() throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      LargeObjectManager lom = ((PGConnection) c).getLargeObjectAPI();
      long oid = lom.createLO();
      LargeObject lo = lom.open(oid, LargeObjectManager.WRITE);
      lo.write("large".getBytes(StandardCharsets.UTF_8));
      lo.close();
      lo = lom.open(oid, LargeObjectManager.READ);
      assertThat(new String(lo.read(5), StandardCharsets.UTF_8)).isEqualTo("large");
      lo.close();
      c.commit();
      assertThat(pinned(c)).as("vendor access: pinned to the primary").isTrue();
      try (PreparedStatement ps = c.prepareStatement("SELECT lo_get(?)")) {
        ps.setLong(1, oid);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          assertThat(rs.getBytes(1)).isEqualTo("large".getBytes(StandardCharsets.UTF_8));
        }
      }
      c.commit();
      lom.unlink(oid);
      c.commit();
    }
  }

  @Test
  void listenPinsAndNotificationsComeFromThatConnection() throws Exception {
    try (Connection c = connect()) {
      PGConnection pg = (PGConnection) c;
      assertThat(pg.getNotifications()).as("nothing listens yet").isEmpty();
      try (Statement s = c.createStatement()) {
        s.execute("LISTEN vx_channel");
      }
      assertThat(pinned(c)).as("LISTEN pins").isTrue();
      try (Connection other = cluster.primary().connect();
          Statement s = other.createStatement()) {
        s.execute("NOTIFY vx_channel, 'hello'");
      }
      PGNotification[] got = pg.getNotifications(10_000);
      assertThat(got).hasSize(1);
      assertThat(got[0].getName()).isEqualTo("vx_channel");
      assertThat(got[0].getParameter()).isEqualTo("hello");
    }
  }

  // ---------------------------------------------------------------- cancel, statements

  @Test
  void cancelQueryCancelsTheRunningStatement() throws Exception {
    try (Connection c = connect()) {
      CompletableFuture<String> running =
          CompletableFuture.supplyAsync(
              () -> {
                try (Statement s = c.createStatement()) {
                  s.executeQuery("SELECT pg_sleep(30)");
                  return "finished";
                } catch (SQLException e) {
                  return e.getSQLState();
                }
              });
      Thread.sleep(1000);
      ((PGConnection) c).cancelQuery();
      assertThat(running.get(10, TimeUnit.SECONDS)).isEqualTo("57014");
    }
  }

  /**
   * Statements bound to the primary when prepared (a write, an updatable result, a call) are {@code
   * PGStatement}s too: every method is the bound vendor statement's, and none pins.
   */
  @Test
  void statementsBoundToThePrimaryAreAlsoPgStatements() throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("INSERT INTO vx_copy VALUES (?, 'bound')")) {
      PGStatement pgs = (PGStatement) ps;
      PgStatement vendor = ps.unwrap(PgStatement.class);
      pgs.setPrepareThreshold(0);
      assertThat(pgs.isUseServerPrepare()).as("threshold 0: never server-prepared").isFalse();
      pgs.setPrepareThreshold(1);
      assertThat(vendor.getPrepareThreshold()).as("the bound vendor statement's").isOne();
      assertThat(pgs.getPrepareThreshold()).isOne();
      // PgJDBC answers for the next execution of its prepared statement: server-prepared.
      assertThat(pgs.isUseServerPrepare()).isTrue();
      ps.setInt(1, 11);
      assertThat(ps.executeUpdate()).isOne();
      assertThat(pgs.isUseServerPrepare()).isTrue();
      assertThat(pgs.getLastOID()).as("tables without OIDs").isZero();
      pgs.setAdaptiveFetch(true);
      assertThat(vendor.getAdaptiveFetch()).isTrue();
      assertThat(pinned(c)).as("a bound statement needs no pin").isFalse();
      ps.close();
      assertThatThrownBy(() -> pgs.setPrepareThreshold(2))
          .as("closed, as PgJDBC says")
          .isInstanceOf(SQLException.class);
    }
    try (Connection c = connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id FROM vx_points",
                ResultSet.TYPE_FORWARD_ONLY,
                ResultSet.CONCUR_UPDATABLE);
        CallableStatement cs = c.prepareCall("{? = call upper(?)}")) {
      assertThat(ps).isInstanceOf(PGStatement.class);
      PGStatement pgc = (PGStatement) cs;
      pgc.setUseServerPrepare(true);
      assertThat(cs.unwrap(PgStatement.class).getPrepareThreshold()).isOne();
      cs.registerOutParameter(1, Types.VARCHAR);
      cs.setString(2, "call");
      cs.execute();
      assertThat(cs.getString(1)).isEqualTo("CALL");
      assertThat(pgc.isUseServerPrepare()).isTrue();
      assertThat(pinned(c)).isFalse();
    }
  }

  @Test
  void statementSettingsReachTheVendorStatementThatRuns() throws SQLException {
    try (Connection c = connect();
        PreparedStatement ps = c.prepareStatement("SELECT id FROM vx_points WHERE id = ?")) {
      PGStatement pgs = (PGStatement) ps;
      pgs.setPrepareThreshold(1);
      pgs.setAdaptiveFetch(true);
      assertThat(pgs.getPrepareThreshold()).isOne();
      assertThat(pgs.isUseServerPrepare())
          .as("nothing ran yet: PgJDBC answers for the first execution, threshold 1")
          .isTrue();
      pgs.setPrepareThreshold(2);
      assertThat(pgs.isUseServerPrepare()).as("threshold 2 not reached by the first").isFalse();
      pgs.setPrepareThreshold(0);
      assertThat(pgs.isUseServerPrepare()).as("threshold 0").isFalse();
      try (Statement plain = c.createStatement()) {
        plain.unwrap(PGStatement.class).setPrepareThreshold(1);
        assertThat(plain.unwrap(PGStatement.class).isUseServerPrepare())
            .as("a plain statement, as PgJDBC")
            .isFalse();
      }
      pgs.setPrepareThreshold(1);
      ps.setInt(1, 1);
      ps.executeQuery().close();
      // Under causal scope the first read may wait for replicas to replay earlier tests' writes.
      for (int i = 0; i < 100 && !onReplica(c); i++) {
        sleepMillis(20);
        ps.executeQuery().close();
      }
      assertThat(onReplica(c)).isTrue();
      assertThat(pgs.isUseServerPrepare()).as("threshold 1: server-prepared").isTrue();
      assertThat(ps.unwrap(PgStatement.class).getAdaptiveFetch()).isTrue();
      pgs.setUseServerPrepare(false);
      assertThat(pgs.getPrepareThreshold()).isZero();
      assertThat(ps.unwrap(PgStatement.class).getPrepareThreshold()).isZero();
    }
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      PGStatement pgs = (PGStatement) s;
      assertThat(pgs.getLastOID()).isZero();
      s.executeUpdate("INSERT INTO vx_copy VALUES (9, 'oid')");
      assertThat(pgs.getLastOID()).as("tables without OIDs").isZero();
      assertThat(List.of(pgs.getPrepareThreshold())).containsExactly(5);
    }
  }

  static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }
}
