package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link Router}'s transaction state machine, as the table in its class comment: each row is a
 * sequence of events from a starting state and the node each statement runs on, the effects and the
 * state that follow. Pure logic: a {@link FakeCluster} (node 0 the primary, 1 and 2 replicas, all
 * caught up) and a ticker that tests advance by hand.
 */
class RouterTest {

  static final Router.Describer HOSTS =
      new Router.Describer() {
        @Override
        public String hosts() {
          return "hosts";
        }

        @Override
        public String position(long position) {
          return "position " + position;
        }
      };

  /** A three-node cluster whose view the test sets: node 0 primary, 1 and 2 fresh replicas. */
  static final class FakeCluster implements Topology, ClusterView {
    final AtomicLong now = new AtomicLong(1_000_000_000L);
    long primaryPosition = 100;
    long[] positions = {100, 100, 100};
    boolean[] replicaUp = {false, true, true};
    int primary = 0;
    int probes;

    @Override
    public ClusterView view() {
      return this;
    }

    @Override
    public void requestPrimaryProbe(boolean thenChase) {
      probes++;
    }

    @Override
    public void chase(long position) {}

    @Override
    public void awaitNewView(ClusterView seen, long timeoutNanos) {
      now.addAndGet(timeoutNanos);
    }

    @Override
    public int size() {
      return 3;
    }

    @Override
    public int primary() {
      return primary;
    }

    @Override
    public boolean isReplica(int node) {
      return replicaUp[node];
    }

    @Override
    public boolean isUsableReplica(int node, long nowNanos, long maxLagNanos) {
      return replicaUp[node];
    }

    @Override
    public long position(int node) {
      return positions[node];
    }

    @Override
    public long positionSentNanos(int node) {
      return now.get();
    }

    @Override
    public long primaryPosition() {
      return primaryPosition;
    }

    @Override
    public long primarySentNanos() {
      return now.get();
    }
  }

  static final SqlClassifier PG = SqlClassifier.forDialect("postgresql");
  static final SqlClassifier MY = SqlClassifier.forDialect("mariadb");

  static Router router(FakeCluster c, boolean postgres) {
    SessionPositions positions =
        new SessionPositions(
            c,
            new SharedPositions(3),
            BoundContext.NONE,
            c.now::get,
            SessionPositions.Scope.SESSION,
            false,
            0,
            true);
    return new Router(
        c,
        new SharedPositions(3),
        positions,
        c.now::get,
        new Router.Dialect(!postgres, postgres, postgres, postgres),
        (node, reason) -> {},
        HOSTS,
        false,
        2_000_000_000L,
        0,
        true);
  }

  /**
   * Runs {@code events} (separated by {@code ;}) and describes each: a statement as {@code node} (P
   * primary, R replica) followed by effects, a JDBC call by its effects; the final state last.
   * Statements: SQL text; {@code !SQL} fails with a plain error, {@code ~SQL} with its connection
   * lost (08006); JDBC calls: {@code ac=on|off}, {@code ro=on|off}, {@code commit()}, {@code
   * rollback()}, {@code savepoint()}.
   */
  static String run(boolean postgres, String events) throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, postgres);
    SqlClassifier classifier = postgres ? PG : MY;
    List<String> out = new ArrayList<>();
    for (String raw : events.split(";")) {
      String e = raw.strip();
      if (e.equals("ac=on") || e.equals("ac=off")) {
        int node = r.autoCommitNode(e.equals("ac=on"));
        out.add(
            (node >= 0 ? "commit@" + where(c, node) : "-")
                + fx(r.setAutoCommit(e.equals("ac=on"))));
      } else if (e.equals("ro=on") || e.equals("ro=off")) {
        try {
          r.setReadOnly(e.equals("ro=on"));
          out.add("-");
        } catch (SQLException ex) {
          out.add(ex.getSQLState());
        }
      } else if (e.equals("commit()") || e.equals("rollback()")) {
        boolean commit = e.equals("commit()");
        try {
          int node = r.endNode(commit);
          out.add((node >= 0 ? where(c, node) : "-") + fx(r.ended(commit)));
        } catch (SQLException ex) {
          out.add(ex.getSQLState());
        }
      } else if (e.startsWith("seen=")) {
        // The server's answer after SYNC_ISOLATION: session level / current transaction's level.
        String[] levels = e.substring(5).split("/");
        r.isolationSeen(Integer.parseInt(levels[0]), Integer.parseInt(levels[1]));
        out.add("-");
      } else if (e.startsWith("default=")) {
        r.defaultIsolationSeen(Integer.parseInt(e.substring(8)));
        out.add("-");
      } else if (e.equals("savepoint()")) {
        int node = r.savepointNode();
        r.sent();
        out.add(where(c, node));
      } else {
        boolean fails = e.startsWith("!");
        boolean lost = e.startsWith("~");
        String sql = fails || lost ? e.substring(1) : e;
        Classification cl = classifier.classify(sql);
        int node = r.route(cl);
        int effects =
            fails
                ? r.failed("22012", false, true)
                : lost ? r.failed("08006", true, true) : r.executed();
        String seen = "";
        if ((effects & Effects.SYNC_TRANSACTION) != 0) {
          // The vendor's answer: a BEGIN or a chain leaves a transaction open, DDL committed it.
          boolean open =
              cl.kind() == StatementKind.BEGIN || cl.kind() == StatementKind.BEGIN_READ_ONLY;
          seen = " | vendor " + (open ? "open" : "closed") + fx(r.transactionStateSeen(node, open));
        }
        out.add(where(c, node) + fx(effects) + seen);
      }
    }
    out.add(state(c, r));
    return String.join(" | ", out);
  }

  private static String where(FakeCluster c, int node) {
    return node == c.primary ? "P" : "R";
  }

  private static String fx(int effects) {
    StringBuilder b = new StringBuilder();
    if ((effects & Effects.COMMITTED) != 0) {
      b.append(" committed");
    }
    if ((effects & Effects.ROLLED_BACK) != 0) {
      b.append(" rolledback");
    }
    if ((effects & Effects.CAPTURE) != 0) {
      b.append(" capture");
    }
    if ((effects & Effects.RECORD_SESSION_SQL) != 0) {
      b.append(" record");
    }
    if ((effects & Effects.RETRY) != 0) {
      b.append(" retry");
    }
    if ((effects & Effects.SESSION_LOST) != 0) {
      b.append(" lost");
    }
    if ((effects & Effects.SYNC_ISOLATION) != 0) {
      b.append(" isolation");
    }
    return b.toString();
  }

  private static String state(FakeCluster c, Router r) {
    String tx = r.inTransaction() ? "(" + where(c, r.transactionNode()) + ")" : "";
    String s;
    if (r.autoCommit()) {
      s = r.inTransaction() ? "SQL_TX" + tx : "AUTO";
    } else {
      s = r.inTransaction() ? "TX" + tx : "IDLE";
    }
    if (r.effectiveIsolation() != -1 || r.reportedIsolation() != -1) {
      // The level reads are routed for, and the one getTransactionIsolation() reports.
      s += " iso=" + r.effectiveIsolation() + "," + r.reportedIsolation();
    }
    return r.isPinned() ? s + " pinned" : s;
  }

  @ParameterizedTest(name = "PostgreSQL: {0}")
  @CsvSource(
      delimiterString = "=>",
      textBlock =
          """
          # events                                                    => outcomes, one per event, then the state
          SELECT 1 => R | AUTO
          INSERT INTO t VALUES (1) => P capture | AUTO
          BEGIN; SELECT 1; COMMIT => P | P | P committed | AUTO
          BEGIN; INSERT INTO t VALUES (1); COMMIT => P | P | P committed capture | AUTO
          BEGIN; INSERT INTO t VALUES (1); ROLLBACK => P | P | P rolledback | AUTO
          BEGIN; INSERT INTO t VALUES (1); END => P | P | P committed capture | AUTO
          START TRANSACTION READ ONLY; SELECT 1; COMMIT => R | R | R committed | AUTO
          BEGIN; INSERT INTO t VALUES (1); COMMIT AND CHAIN => P | P | P committed capture | vendor open | SQL_TX(P)
          BEGIN; INSERT INTO t VALUES (1); ac=off; commit() => P | P | - | P committed capture | IDLE
          commit() => 25P01 | AUTO
          rollback() => 25P01 | AUTO
          ac=off => - | IDLE
          ac=off; commit(); rollback() => - | - | - | IDLE
          ac=off; SELECT 1 => - | P | TX(P)
          ac=off; ro=on; SELECT 1; INSERT INTO t VALUES (1) => - | - | R | R | TX(R)
          ac=off; INSERT INTO t VALUES (1); commit() => - | P | P committed capture | IDLE
          ac=off; INSERT INTO t VALUES (1); rollback() => - | P | P rolledback | IDLE
          ac=off; INSERT INTO t VALUES (1); ac=on => - | P | commit@P committed capture | AUTO
          ac=off; INSERT INTO t VALUES (1); ac=on; ac=off; INSERT INTO t VALUES (2); rollback() => - | P | commit@P committed capture | - | P | P rolledback | IDLE
          ac=off; !SELECT 1/0; rollback(); SELECT 1 => - | P | P rolledback | P | TX(P)
          ac=off; !SELECT 1/0; ro=on => - | P | 25001 | TX(P)
          ac=off; SET search_path TO a; rollback() => - | P record | P rolledback | IDLE
          ac=off; savepoint(); INSERT INTO t VALUES (1); commit() => - | P | P | P committed capture | IDLE
          ac=off; SELECT * FROM t FOR UPDATE; rollback() => - | P | P rolledback | IDLE
          SET search_path TO a => P record | AUTO
          PREPARE p AS SELECT 1; SELECT 1 => P capture | P | AUTO pinned
          ac=off; ro=on; PREPARE p AS SELECT 1; commit(); SELECT 1 => - | - | R | R committed | R | TX(R) pinned
          /*lagwise:primary*/ SELECT 1 => P | AUTO
          # a lost connection: the transaction's or the pinned node's closes the session
          ac=off; INSERT INTO t VALUES (1); ~SELECT 1 => - | P | P rolledback lost | IDLE
          ac=off; ro=on; SELECT 1; ~SELECT 2 => - | - | R | R rolledback lost | IDLE
          ac=off; ~SELECT 1 => - | P rolledback | IDLE
          BEGIN; ~SELECT 1 => P | P rolledback lost | AUTO
          PREPARE p AS SELECT 1; ~SELECT 1 => P capture | P lost | AUTO
          # in autocommit nothing is lost: a read runs again on a new connection, a write does not
          ~SELECT 1 => R retry | AUTO
          ~/*lagwise:primary*/ SELECT 1 => P retry | AUTO
          ~INSERT INTO t VALUES (1) => P | AUTO
          SET search_path TO a; ~SELECT 1 => P record | R retry | AUTO
          SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE; seen=8/8; SELECT 1 => P record isolation | - | P | AUTO iso=8,8
          SET default_transaction_isolation = 'serializable'; seen=8/8; RESET default_transaction_isolation; seen=2/2; SELECT 1 => P record isolation | - | P record isolation | - | R | AUTO iso=2,2
          SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE; seen=8/8; DISCARD ALL; SELECT 1 => P record isolation | - | P | R | AUTO
          default=8; SELECT 1; ac=off; ro=on; SELECT 1 => - | P | - | - | P | TX(P) iso=8,-1
          default=2; SELECT 1 => - | R | AUTO iso=2,-1
          ac=off; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; seen=2/4; commit() => - | P isolation | - | P committed | IDLE iso=2,2
          ac=off; ro=on; SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; seen=2/4 => - | - | R isolation | - | TX(R) iso=2,4
          ac=off; SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE; seen=8/2; rollback(); ac=on; SELECT 1 => - | P record isolation | - | P rolledback | - | R | AUTO
          ac=off; SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL SERIALIZABLE; seen=8/2; commit(); ac=on; SELECT 1 => - | P record isolation | - | P committed | - | P | AUTO iso=8,8
          START TRANSACTION READ ONLY ISOLATION LEVEL SERIALIZABLE; COMMIT => P isolation | P committed | AUTO
          START TRANSACTION READ ONLY ISOLATION LEVEL REPEATABLE READ; COMMIT => R isolation | R committed | AUTO
          ac=off; ro=on; SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; seen=2/8; commit() => - | - | P isolation | - | P committed | IDLE iso=2,2
          SELECT isolation FROM t => R | AUTO
          """)
  void postgresql(String events, String expected) throws SQLException {
    assertThat(run(true, events)).isEqualTo(expected.strip());
  }

  @ParameterizedTest(name = "MariaDB: {0}")
  @CsvSource(
      delimiterString = "=>",
      textBlock =
          """
          # events => outcomes, one per event, then the state
          commit() => - | AUTO
          BEGIN; INSERT INTO t VALUES (1); COMMIT => P | P | P committed capture | AUTO
          ac=off; INSERT INTO t VALUES (1); CREATE TABLE u (a int); commit() => - | P | P | vendor closed committed capture | - | IDLE
          BEGIN; INSERT INTO t VALUES (1); BEGIN => P | P | P committed capture | vendor open | SQL_TX(P)
          ac=off; SET @@session.sql_mode = ''; rollback() => - | P record | P rolledback | IDLE
          ro=on; ac=off; SET @v = 1; commit(); INSERT INTO t VALUES (1) => - | - | R | R committed | P | TX(P) pinned
          SET SESSION TRANSACTION ISOLATION LEVEL SERIALIZABLE; seen=8/8; SELECT 1 => P record isolation | - | R | AUTO iso=8,8
          SET @@session.tx_isolation = 'SERIALIZABLE'; seen=8/8; SELECT 1 => P record isolation | - | R | AUTO iso=8,8
          ac=off; ro=on; START TRANSACTION READ ONLY, ISOLATION LEVEL SERIALIZABLE; COMMIT => - | - | R isolation | R committed | IDLE
          # implicit commits: LOCK TABLES pins and commits; table maintenance commits; TEMPORARY does not
          ac=off; INSERT INTO t VALUES (1); LOCK TABLES t WRITE; INSERT INTO t VALUES (2) => - | P | P | vendor closed committed capture | P | TX(P) pinned
          BEGIN; INSERT INTO t VALUES (1); LOCK TABLES t WRITE; UNLOCK TABLES => P | P | P | vendor closed committed capture | P capture | AUTO pinned
          ac=off; INSERT INTO t VALUES (1); ANALYZE TABLE t; commit() => - | P | P | vendor closed committed capture | - | IDLE
          ac=off; INSERT INTO t VALUES (1); OPTIMIZE TABLE t => - | P | P | vendor closed committed capture | IDLE
          ac=off; INSERT INTO t VALUES (1); CREATE TEMPORARY TABLE tmp (a int); commit() => - | P | P | P committed capture | IDLE pinned
          ac=off; INSERT INTO t VALUES (1); DROP TEMPORARY TABLE tmp; commit() => - | P | P | P committed capture | IDLE
          ac=off; INSERT INTO t VALUES (1); DROP TABLE u; commit() => - | P | P | vendor closed committed capture | - | IDLE
          """)
  void mariadb(String events, String expected) throws SQLException {
    assertThat(run(false, events)).isEqualTo(expected.strip());
  }

  @ParameterizedTest(name = "MariaDB read-only transaction on a replica, then {0}")
  @CsvSource(
      delimiterString = "=>",
      textBlock =
          """
          CREATE TABLE u (a int)         => true
          LOCK TABLES t WRITE            => true
          ANALYZE TABLE t                => true
          SELECT 1                       => false
          CREATE TEMPORARY TABLE u (a int) => false
          SET @x = 1                     => false
          """)
  void implicitCommitOfAReadOnlyTransactionOnAReplicaRunsThereFirst(String sql, boolean first)
      throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, false);
    r.setReadOnly(true);
    r.setAutoCommit(false);
    int node = r.route(MY.classify("SELECT 1"));
    r.executed();
    assertThat(node).isNotEqualTo(c.primary);
    assertThat(r.implicitCommitFirst(MY.classify(sql))).isEqualTo(first ? node : -1);
  }

  @ParameterizedTest(name = "{0} in mid-transaction -> 25001")
  @CsvSource({"readOnly", "isolation"})
  void transactionCharacteristicsCannotChangeInMidTransaction(String what) throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, true);
    r.setAutoCommit(false);
    r.route(PG.classify("SELECT 1"));
    r.executed();
    assertThatThrownBy(
            () -> {
              if (what.toLowerCase(Locale.ROOT).equals("readonly")) {
                r.setReadOnly(true);
              } else {
                r.setIsolation(8);
              }
            })
        .isInstanceOf(SQLException.class)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("25001");
  }

  @ParameterizedTest(name = "autocommit {0} on the {1}, broken {2}, timed out {3} -> {4}")
  @CsvSource({
    "SELECT 1, replica, true, false, retry",
    "SELECT 1, primary, true, false, retry",
    // A socket timeout may be a slow query: never run again on the same host (that would double
    // the wait), and the session is lost as the vendor closes its connection; a replica may hang,
    // so a read that timed out there runs once elsewhere (DESIGN's failure table).
    "SELECT 1, replica, true, true, retry",
    "SELECT 1, primary, true, true, lost",
    "INSERT INTO t VALUES (1), primary, true, false, fail",
    "INSERT INTO t VALUES (1), primary, true, true, lost",
    "SELECT 1, replica, false, false, fail",
    // The vendor closed its connection on a session setting it refuses (PgJDBC: client_encoding
    // not UTF8): the session asked for something it cannot have, reopening would hide that.
    "SET client_encoding TO sql_ascii, primary, true, false, lost",
    "SET client_encoding TO sql_ascii, primary, false, false, fail",
    "CREATE TEMP TABLE x (a int), primary, true, false, lost",
  })
  void aTimedOutStatementRunsAgainOnlyElsewhereElseTheSessionIsLost(
      String sql, String where, boolean broken, boolean timedOut, String outcome)
      throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, true);
    String hinted =
        where.equals("primary") && sql.startsWith("SELECT") ? "/*lagwise:primary*/ " + sql : sql;
    int node = r.route(PG.classify(hinted));
    assertThat(node == c.primary).isEqualTo(where.equals("primary"));
    int fx = r.failed("08006", broken, timedOut, true);
    assertThat((fx & Effects.RETRY) != 0).as("retry").isEqualTo(outcome.equals("retry"));
    assertThat((fx & Effects.SESSION_LOST) != 0).as("lost").isEqualTo(outcome.equals("lost"));
    assertThat((fx & Effects.DROP_CONNECTION) != 0).as("dropped").isEqualTo(broken);
  }

  @ParameterizedTest(name = "autocommit read failing on a replica with {0} -> retried: {1}")
  @CsvSource({
    "0A000, true",
    "40001, true",
    "57P01, true",
    "25006, true",
    "22012, false",
    "42P01, false",
  })
  void replicaOnlyErrorsAreRetriedOnThePrimary(String sqlState, boolean retried)
      throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, true);
    int first = r.route(PG.classify("SELECT * FROM unlogged_t"));
    assertThat(first).isNotEqualTo(c.primary);
    int fx = r.failed(sqlState, false, true);
    assertThat((fx & Effects.RETRY) != 0).isEqualTo(retried);
    assertThat((fx & Effects.CHECK_DEFAULT_ISOLATION) != 0)
        .as("0A000 may be the replica refusing a serializable default: ask it")
        .isEqualTo(sqlState.equals("0A000"));
    if (sqlState.equals("0A000")) {
      // Inside a read-only transaction on a replica: no retry, but the check all the same.
      Router tx = router(c, true);
      tx.setAutoCommit(false);
      tx.setReadOnly(true);
      int replica = tx.route(PG.classify("SELECT 1"));
      assertThat(replica).isNotEqualTo(c.primary);
      assertThat(tx.failed(sqlState, false, true)).as("no retry, no check now").isZero();
      assertThat(tx.defaultCheckDue(replica)).as("not inside the aborted transaction").isFalse();
      tx.ended(false);
      assertThat(tx.route(PG.classify("SELECT 1"))).isEqualTo(replica);
      assertThat(tx.defaultCheckDue(replica)).as("before the next use").isTrue();
      tx.defaultIsolationSeen(8);
      assertThat(tx.refusedIsolation(replica)).isTrue();
      assertThat(tx.route(PG.classify("SELECT 1"))).isEqualTo(c.primary);
      assertThat(tx.defaultCheckDue(replica)).as("once").isFalse();
    }
    if (retried && !sqlState.equals("25006")) {
      assertThat(r.route(PG.classify("SELECT * FROM unlogged_t"))).isEqualTo(c.primary);
    }
    assertThat(r.failed(sqlState, false, false) & Effects.RETRY)
        .as("never a second retry")
        .isZero();
  }

  /**
   * A connection opened for the chosen replica reveals a serializable default (a role or server
   * setting) that the replica refuses: the decision is undone and the read goes to the primary, and
   * so do later ones. On MariaDB replicas serve serializable: nothing changes.
   */
  @ParameterizedTest(name = "postgres={0}: replica refuses a serializable default -> {1}")
  @CsvSource({"true, true", "false, false"})
  void aSerializableDefaultSeenOnOpeningSendsReadsToThePrimary(boolean postgres, boolean refused)
      throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, postgres);
    SqlClassifier classifier = postgres ? PG : MY;
    int first = r.route(classifier.classify("SELECT 1"));
    assertThat(first).isNotEqualTo(c.primary);
    r.defaultIsolationSeen(8);
    assertThat(r.refusedIsolation(first)).isEqualTo(refused);
    if (refused) {
      assertThat(r.route(classifier.classify("SELECT 1"))).isEqualTo(c.primary);
    }
    r.executed();
    assertThat(r.route(classifier.classify("SELECT 1")) == c.primary).isEqualTo(refused);
    r.executed();
    assertThat(r.reportedIsolation()).as("reported from a server").isEqualTo(-1);
  }

  /**
   * A connection-level call (a metadata query) routed to a replica whose new connection reveals a
   * serializable default it refuses: undone like a statement's decision, including the read-only
   * transaction it began with autocommit off, and routed again to the primary; so are later ones.
   * MariaDB replicas serve serializable; a node that is already the primary, or a transaction the
   * call did not begin, stays.
   */
  @ParameterizedTest(name = "postgres={0}, autocommit={1}: connection call refused -> {2}")
  @CsvSource({"true, true, true", "true, false, true", "false, true, false", "false, false, false"})
  void aConnectionCallOnAReplicaThatRefusesTheSerializableDefaultGoesToThePrimary(
      boolean postgres, boolean autoCommit, boolean refused) throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, postgres);
    if (!autoCommit) {
      r.setAutoCommit(false);
      r.setReadOnly(true);
    }
    int first = r.routeConnectionCall();
    assertThat(first).as("a read: a replica").isNotEqualTo(c.primary);
    assertThat(r.inTransaction()).isEqualTo(!autoCommit);
    r.defaultIsolationSeen(8);
    assertThat(r.connectionCallRefused(first)).isEqualTo(refused);
    int second = r.routeConnectionCall();
    assertThat(second == c.primary).isEqualTo(refused);
    assertThat(r.connectionCallRefused(second)).as("decided once").isFalse();
    if (!autoCommit) {
      assertThat(r.transactionNode())
          .as("the transaction is where the call now runs")
          .isEqualTo(second);
    }
    r.sent();
    assertThat(r.routeConnectionCall() == c.primary).as("later calls too").isEqualTo(refused);
  }

  /**
   * Whether the capture that follows {@code events} may switch autocommit on around its query: only
   * where no vendor transaction is or may be open on its node. After a commit there is none, even
   * in a session unwrapped to a vendor object ({@code vendor}); before one there may be.
   */
  @ParameterizedTest(name = "{0} -> capture inside a transaction: {1}")
  @CsvSource(
      delimiterString = "=>",
      textBlock =
          """
          ac=off; INSERT INTO t VALUES (1); commit() => false
          ac=off; vendor; commit() => false
          ac=off; vendor; SELECT 1; commit() => false
          ac=off; vendor; COMMIT => false
          ac=off; vendor; wrote => true
          BEGIN; INSERT INTO t VALUES (1); COMMIT AND CHAIN => true
          """)
  void captureRunsInsideATransactionOnlyWhereOneMayBeOpen(String events, boolean inTransaction)
      throws SQLException {
    FakeCluster c = new FakeCluster();
    Router r = router(c, true);
    int fx = 0;
    for (String raw : events.split(";")) {
      String e = raw.strip();
      switch (e) {
        case "ac=off" -> fx = r.setAutoCommit(false);
        case "vendor" -> fx = r.routeVendorAccess() < 0 ? -1 : 0;
        case "commit()" -> {
          r.endNode(true);
          fx = r.ended(true);
        }
        case "wrote" -> fx = r.wroteOutside(c.primary);
        default -> {
          Classification cl = PG.classify(e);
          int node = r.route(cl);
          fx = r.executed();
          if ((fx & Effects.SYNC_TRANSACTION) != 0) {
            fx |= r.transactionStateSeen(node, true);
          }
        }
      }
    }
    assertThat(fx & Effects.CAPTURE).as("the last event captures").isNotZero();
    assertThat(r.captureNode()).isEqualTo(c.primary);
    assertThat(r.captureInTransaction()).isEqualTo(inTransaction);
  }

  @org.junit.jupiter.api.Test
  void theRetryOfAReadWhoseConnectionBrokeAvoidsThatReplicaWhichStaysInTheView()
      throws SQLException {
    FakeCluster c = new FakeCluster();
    for (int i = 0; i < 6; i++) {
      // Each start of the round-robin scan: one of them lands on the same replica again.
      SharedPositions shared = new SharedPositions(3);
      for (int k = 0; k < i; k++) {
        shared.nextReplicaTicket();
      }
      Router r =
          new Router(
              c,
              shared,
              new SessionPositions(
                  c,
                  shared,
                  BoundContext.NONE,
                  c.now::get,
                  SessionPositions.Scope.NONE,
                  false,
                  0,
                  true),
              c.now::get,
              new Router.Dialect(false, true, true, true),
              (node, reason) -> {},
              HOSTS,
              false,
              2_000_000_000L,
              0,
              true);
      int first = r.route(PG.classify("SELECT 1"));
      assertThat(first).isIn(1, 2);
      int fx = r.failed("08006", true, true);
      assertThat(fx & Effects.RETRY).isNotZero();
      assertThat(c.isUsableReplica(first, c.now.get(), Long.MAX_VALUE))
          .as("one connection's error is no verdict on the host")
          .isTrue();
      int retry = r.route(PG.classify("SELECT 1"));
      assertThat(retry).as("retry %d", i).isNotEqualTo(first).isEqualTo(3 - first);
      r.executed();
      // Only that retry avoided it: with the other replica gone, the next read may go there.
      c.replicaUp[3 - first] = false;
      assertThat(r.route(PG.classify("SELECT 2"))).isEqualTo(first);
      r.executed();
      c.replicaUp[3 - first] = true;
    }
  }

  @org.junit.jupiter.api.Test
  void theRetryGoesToThePrimaryWhenTheOnlyReplicaFailed() throws SQLException {
    FakeCluster c = new FakeCluster();
    c.replicaUp[2] = false;
    Router r = router(c, true);
    assertThat(r.route(PG.classify("SELECT 1"))).isEqualTo(1);
    assertThat(r.failed("08006", true, true) & Effects.RETRY).isNotZero();
    assertThat(r.route(PG.classify("SELECT 1"))).isEqualTo(c.primary);
  }
}
