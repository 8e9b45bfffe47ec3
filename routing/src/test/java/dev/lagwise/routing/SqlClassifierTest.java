package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SqlClassifierTest {
  private final SqlClassifier pg = SqlClassifier.forDialect("postgresql");

  @Test
  void unknownDialectNamesValueAndAllowedOnes() {
    assertThatThrownBy(() -> SqlClassifier.forDialect("oracle"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'oracle'")
        .hasMessageContaining("postgresql, mysql, mariadb");
    assertThatThrownBy(() -> SqlClassifier.forDialect(null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void nullIsNeverReplicaSafe() {
    assertThat(pg.isReplicaSafe(null)).isFalse();
    assertThat(pg.classify(null).kind()).isEqualTo(StatementKind.WRITE);
    assertThat(pg.classifyUncached(null).kind()).isEqualTo(StatementKind.WRITE);
  }

  @Test
  void safeFunctionsAreAddedToANewClassifier() {
    SqlClassifier extended = pg.withSafeFunctions(List.of("My_Func", "billing.total", " "));
    assertThat(pg.isReplicaSafe("SELECT my_func(1)")).isFalse();
    assertThat(extended.isReplicaSafe("SELECT my_func(1)")).isTrue();
    assertThat(extended.isReplicaSafe("SELECT MY_FUNC(1)")).isTrue();
    assertThat(extended.isReplicaSafe("SELECT app.my_func(1)")).isTrue();
    assertThat(extended.isReplicaSafe("SELECT \"My_Func\"(1)")).isTrue();
    assertThat(extended.isReplicaSafe("SELECT billing.total(1)")).isTrue();
    assertThat(extended.isReplicaSafe("SELECT Billing.Total(1)")).isTrue();
    assertThat(extended.isReplicaSafe("SELECT total(1)")).isFalse();
    assertThat(extended.isReplicaSafe("SELECT other.total(1)")).isFalse();
    assertThat(extended.isReplicaSafe("SELECT nextval('s')")).isFalse();
    SqlClassifier twice = extended.withSafeFunctions(List.of("second_fn"));
    assertThat(twice.isReplicaSafe("SELECT my_func(1), second_fn()")).isTrue();
    assertThat(twice.toString()).contains("3 extra safe functions");
  }

  @Test
  void userFunctionsNeverOverrideSessionPinning() {
    SqlClassifier extended = pg.withSafeFunctions(List.of("pg_advisory_lock"));
    assertThat(extended.classify("SELECT pg_advisory_lock(1)").kind())
        .isEqualTo(StatementKind.SESSION_PINNING);
  }

  @Test
  void cachedResultIsTheSameInstance() {
    String sql = "SELECT a FROM t WHERE id = ?";
    Classification first = pg.classify(sql);
    assertThat(pg.classify(new String(sql.toCharArray()))).isSameAs(first);
  }

  @Test
  void cacheIsBounded() {
    SqlClassifier c = SqlClassifier.forDialect("mysql");
    for (int i = 0; i < SqlClassifier.MAX_ENTRIES * 2; i++) {
      c.classify("SELECT " + i);
    }
    assertThat(c.cacheSize()).isLessThanOrEqualTo(SqlClassifier.MAX_ENTRIES);
    String huge = "SELECT 1" + " ".repeat(SqlClassifier.MAX_CACHED_LENGTH);
    assertThat(c.classify(huge).isReplicaSafe()).isTrue();
  }

  @Test
  void markPrimaryOnlySurvivesEviction() {
    SqlClassifier c = SqlClassifier.forDialect("postgresql");
    String sql = "/*lagwise:replica*/ SELECT f_looks_safe()";
    String safeSql = "SELECT now()";
    c.markPrimaryOnly(safeSql);
    c.markPrimaryOnly(sql);
    assertThat(c.classify(safeSql).kind()).isEqualTo(StatementKind.WRITE);
    assertThat(c.classify(safeSql).reason()).isEqualTo("replica rejected: read-only transaction");
    for (int i = 0; i < SqlClassifier.MAX_ENTRIES * 2; i++) {
      c.classify("SELECT " + i);
    }
    assertThat(c.isReplicaSafe(safeSql)).isFalse();
    // The rejection overrides the replica hint: the statement never goes to a replica again.
    assertThat(c.classify(sql).hint()).isEqualTo(Hint.NONE);
    assertThat(SqlClassifier.forDialect("postgresql").isReplicaSafe(safeSql)).isTrue();
  }

  @Test
  void creatingInPgTempPinsTheSession() {
    // Not in classifier-cases.csv yet: docs/routing.md is generated from that table.
    assertThat(pg.classify("CREATE TABLE pg_temp.tmp (a int)").kind())
        .isEqualTo(StatementKind.SESSION_PINNING);
    assertThat(pg.classify("CREATE TABLE IF NOT EXISTS pg_temp.tmp AS SELECT 1").kind())
        .isEqualTo(StatementKind.SESSION_PINNING);
    assertThat(pg.classify("CREATE TABLE pg_temp_x.t (a int)").kind())
        .isEqualTo(StatementKind.WRITE);
  }

  @Test
  void classificationToStringShowsKindReasonAndHint() {
    assertThat(pg.classify("/*lagwise:primary*/ SELECT 1").toString())
        .isEqualTo("READ (read: SELECT, hint PRIMARY)");
  }

  @Test
  void commonReadsAreSharedInstances() {
    assertThat(pg.classifyUncached("SELECT 1")).isSameAs(pg.classifyUncached("SELECT 2"));
  }

  @Test
  void postgresqlListIsGeneratedFromPgProcMinusUnsafeNames() throws IOException {
    String list;
    try (InputStream in = SqlClassifier.class.getResourceAsStream("pg-safe-functions.txt")) {
      list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(list)
        .contains("SELECT DISTINCT proname FROM pg_proc WHERE provolatile IN ('s','i')");
    assertThat(list.lines().filter(l -> !l.startsWith("#")))
        .hasSizeGreaterThan(2000)
        .contains("now", "upper", "count", "jsonb_build_object", "inet_server_port")
        .doesNotContain(
            "nextval",
            "setval",
            "currval",
            "lastval",
            "txid_current",
            "pg_current_xact_id",
            "set_config",
            "pg_notify",
            "pg_backend_pid",
            "ts_rewrite",
            "random")
        .noneMatch(l -> l.contains("advisory"));
    assertThat(FunctionSets.POSTGRESQL.contains("random", 0, 6, false)).isTrue();
    assertThat(FunctionSets.MYSQL.contains("last_insert_id", 0, 14, false)).isFalse();
    assertThat(FunctionSets.MYSQL.contains("get_lock", 0, 8, false)).isFalse();
  }

  @Test
  void nameTableFoldsUnquotedAndMatchesQuotedExactly() {
    NameTable t = new NameTable(List.of("now", "s.fn"));
    assertThat(t.contains("x NOW", 2, 5, false)).isTrue();
    assertThat(t.contains("x NOW", 2, 5, true)).isFalse();
    assertThat(t.contains("nowx", 0, 3, true)).isTrue();
    assertThat(t.containsQualified("S.Fn", 0, 1, 2, 4)).isTrue();
    assertThat(t.containsQualified("t.fn", 0, 1, 2, 4)).isFalse();
    assertThat(t.size()).isEqualTo(2);
  }

  /**
   * Statements whose function or procedure bodies may change session settings unseen: Lagwise
   * compares the settings around them (PostgreSQL only; MySQL's functions cannot change the
   * session's variables without a SET Lagwise sees).
   */
  @ParameterizedTest(name = "{0}: {1} -> {2}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          postgresql | SELECT splpgsql1.set_search_path('a')   | true
          postgresql | SELECT my_function(1)                   | true
          postgresql | SELECT * FROM t WHERE a = my_volatile()  | true
          postgresql | CALL my_procedure()                     | true
          postgresql | DO $$ BEGIN NULL; END $$                | true
          postgresql | SELECT 1; SELECT my_function(1)         | true
          postgresql | SELECT lower(a) FROM t                  | false
          postgresql | SELECT a FROM t                         | false
          postgresql | INSERT INTO t VALUES (1)                | false
          postgresql | SET search_path TO a                    | false
          postgresql | SELECT set_config('search_path', 'a', false) | false
          mysql      | SELECT my_function(1)                   | false
          mysql      | CALL my_procedure()                     | false
          """)
  void callsOfUnknownFunctionsAreMarked(String dialect, String sql, boolean marked) {
    assertThat(SqlClassifier.forDialect(dialect).classify(sql).callsFunction())
        .as("%s", SqlClassifier.forDialect(dialect).classify(sql))
        .isEqualTo(marked);
  }

  /**
   * MySQL and MariaDB commit an open transaction before these statements ("Statements That Cause an
   * Implicit Commit"); the router then asks the vendor whether one is still open. TEMPORARY tables
   * are the exception. PostgreSQL has no implicit commit.
   */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          CREATE TABLE t (a int)                        | true
          CREATE INDEX i ON t (a)                       | true
          CREATE USER u IDENTIFIED BY 'x'               | true
          CREATE OR REPLACE VIEW v AS SELECT 1          | true
          CREATE TEMPORARY TABLE tmp (a int)            | false
          CREATE OR REPLACE TEMPORARY TABLE tmp (a int) | false
          ALTER TABLE t ADD COLUMN b int                | true
          DROP TABLE t                                  | true
          DROP TEMPORARY TABLE tmp                      | false
          RENAME TABLE a TO b                           | true
          TRUNCATE TABLE t                              | true
          GRANT SELECT ON t TO u                        | true
          REVOKE SELECT ON t FROM u                     | true
          SET PASSWORD = 'x'                            | true
          LOCK TABLES t WRITE                           | true
          UNLOCK TABLES                                 | true
          BEGIN                                         | true
          START TRANSACTION                             | true
          ANALYZE TABLE t                               | true
          CHECK TABLE t                                 | true
          OPTIMIZE TABLE t                              | true
          REPAIR TABLE t                                | true
          FLUSH PRIVILEGES                              | true
          RESET QUERY CACHE                             | true
          CACHE INDEX t IN hot                          | true
          LOAD INDEX INTO CACHE t                       | false
          INSTALL PLUGIN p SONAME 'p.so'                | true
          UNINSTALL PLUGIN p                            | true
          STOP SLAVE                                    | true
          START REPLICA                                 | true
          CHANGE MASTER TO MASTER_HOST = 'h'            | true
          /*!40101 ALTER TABLE t ENGINE = InnoDB */     | true
          SELECT 1; DROP TABLE t                        | true
          SELECT * FROM t                               | false
          INSERT INTO t VALUES (1)                      | false
          SET NAMES utf8mb4                             | false
          SAVEPOINT s                                   | false
          LOAD DATA INFILE 'x' INTO TABLE t             | false
          CALL p()                                      | false
          """)
  void mysqlImplicitCommits(String sql, boolean commits) {
    for (String dialect : List.of("mysql", "mariadb")) {
      assertThat(SqlClassifier.forDialect(dialect).classify(sql).mayCommitImplicitly())
          .as("%s: %s", dialect, SqlClassifier.forDialect(dialect).classify(sql))
          .isEqualTo(commits);
    }
    if (!sql.startsWith("/*!")) {
      assertThat(SqlClassifier.forDialect("postgresql").classify(sql).mayCommitImplicitly())
          .isFalse();
    }
  }
}
