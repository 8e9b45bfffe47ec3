package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.routing.SqlClassifier;
import dev.lagwise.routing.StatementKind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Which COPY TO is a read (may go to a replica): only what surely reads. */
class PgCopyManagerTest {

  static final SqlClassifier PG = SqlClassifier.forDialect("postgresql");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "COPY t TO STDOUT                                          | READ",
        "copy public.t (a, b) to stdout with (format csv)          | READ",
        "  COPY \"My Table\" TO STDOUT                             | READ",
        "COPY (SELECT a FROM t WHERE b = 'x)') TO STDOUT           | READ",
        "COPY (SELECT 1) TO STDOUT WITH CSV HEADER                 | READ",
        "COPY (SELECT nextval('s')) TO STDOUT                      | WRITE",
        "COPY (INSERT INTO t VALUES (1) RETURNING a) TO STDOUT     | WRITE",
        "COPY (SELECT a FROM t FOR UPDATE) TO STDOUT               | WRITE",
        "COPY (SELECT $$x$$) TO STDOUT                             | WRITE",
        "COPY (SELECT 1 -- ) TO STDOUT\\n) TO STDOUT               | WRITE",
        "COPY t FROM STDIN                                         | WRITE",
        "COPY t TO '/tmp/file'                                     | WRITE",
        "COPY t TO STDOUT; DELETE FROM t                           | WRITE",
        "COPY t TO STDOUTX                                         | WRITE",
        "COPY \"a b\" (c) TO STDOUT                                | READ",
        "COPY \"a b TO STDOUT                                      | WRITE",
        "COPYt TO STDOUT                                           | WRITE",
        "SELECT 1                                                  | READ",
      })
  void copyOutIsAReadOnlyWhenItSurelyReads(String sql, StatementKind kind) {
    assertThat(PgCopyManager.copyOutClassification(PG, sql.replace("\\n", "\n")).kind())
        .isEqualTo(kind);
  }
}
