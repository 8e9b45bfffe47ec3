package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.AlphaChars;
import net.jqwik.api.constraints.StringLength;

/** Fuzzing the scanner: whatever the input, errors are on the safe side and nothing throws. */
class ScannerPropertiesTest {
  private static final List<String> DIALECTS = List.of("postgresql", "mysql", "mariadb");
  private static final List<SqlClassifier> CLASSIFIERS =
      DIALECTS.stream().map(SqlClassifier::forDialect).toList();

  /** SQL-ish fragments, with every quoting and comment construct the scanner knows. */
  private static final List<String> PIECES =
      List.of(
          "SELECT ",
          "select ",
          "WITH x AS (",
          "VALUES (",
          "FROM t ",
          "WHERE ",
          "a",
          "b1",
          " ",
          "\n",
          "\r",
          "\t",
          "(",
          ")",
          ",",
          ".",
          "=",
          "::",
          ":=",
          "?",
          "$1",
          "$",
          "$$",
          "$a$",
          "'",
          "''",
          "\"",
          "\"\"",
          "`",
          "``",
          "\\",
          "E'",
          "--",
          "-- ",
          "#",
          "/*",
          "*/",
          "/*!",
          "/*+",
          ";",
          "@",
          "@@",
          "FOR UPDATE",
          "INTO ",
          "nextval(",
          "now()",
          "count(*)",
          "DELETE ",
          "UPDATE ",
          "INSERT ",
          "LOCK ",
          "IN SHARE MODE",
          "/*lagwise:replica*/",
          "é",
          "\u0000");

  @Provide
  Arbitrary<String> sqlish() {
    return Arbitraries.of(PIECES).list().ofMaxSize(25).map(l -> String.join("", l));
  }

  @Provide
  Arbitrary<String> reads() {
    Arbitrary<String> column =
        Arbitraries.of("a", "b", "\"c\"", "count(*)", "now()", "upper(s)", "'x'", "1");
    Arbitrary<String> where =
        Arbitraries.of("", " WHERE a = ?", " WHERE s = 'it''s'", " WHERE x IN (1, 2)");
    return Combinators.combine(column.list().ofMinSize(1).ofMaxSize(4), where)
        .as((cols, w) -> "SELECT " + String.join(", ", cols) + " FROM t" + w);
  }

  @Property(tries = 3000)
  void neverThrows(@ForAll("sqlish") String sql) {
    for (SqlClassifier c : CLASSIFIERS) {
      assertThat(c.classify(sql)).isNotNull();
      c.isReplicaSafe(sql);
    }
  }

  @Property(tries = 1000)
  void neverThrowsOnArbitraryStrings(@ForAll String sql) {
    for (SqlClassifier c : CLASSIFIERS) {
      assertThat(c.classifyUncached(sql).reason()).isNotEmpty();
    }
  }

  @Property(tries = 2000)
  void unterminatedQuoteOrCommentIsNeverRead(
      @ForAll("reads") String read,
      @ForAll("opener") String opener,
      @ForAll @AlphaChars @StringLength(max = 10) String tail) {
    String sql = read + " " + opener + tail;
    for (int i = 0; i < DIALECTS.size(); i++) {
      boolean mysql = !DIALECTS.get(i).equals("postgresql");
      if (mysql ? opener.startsWith("$") : opener.equals("`")) {
        continue; // not a quote in this dialect
      }
      Classification r = CLASSIFIERS.get(i).classifyUncached(sql);
      assertThat(r.kind())
          .as(DIALECTS.get(i) + ": " + sql + " -> " + r)
          .isNotEqualTo(StatementKind.READ);
    }
  }

  @Provide
  Arbitrary<String> opener() {
    return Arbitraries.of("'", "\"", "/*", "E'", "$$", "$q$", "`");
  }

  @Property(tries = 1000)
  void readsAreReads(@ForAll("reads") String read) {
    for (SqlClassifier c : CLASSIFIERS) {
      assertThat(c.classifyUncached(read).kind()).as(read).isEqualTo(StatementKind.READ);
    }
  }

  @Property(tries = 1000)
  void appendingForUpdateMakesAReadNotARead(
      @ForAll("reads") String read, @ForAll("blank") String blank) {
    for (SqlClassifier c : CLASSIFIERS) {
      String sql = read + blank + "FOR" + blank + "UPDATE";
      assertThat(c.classifyUncached(sql).kind()).as(sql).isNotEqualTo(StatementKind.READ);
    }
  }

  @Provide
  Arbitrary<String> blank() {
    return Arbitraries.of(" ", "\n", "\t", " /* c */ ", "/**/", " -- c\n");
  }

  @Property(tries = 1000)
  void commentsAroundAReadKeepItARead(
      @ForAll("reads") String read,
      @ForAll("comment") String before,
      @ForAll("comment") String after) {
    for (SqlClassifier c : CLASSIFIERS) {
      String sql = before + read + after;
      assertThat(c.classifyUncached(sql).kind()).as(sql).isEqualTo(StatementKind.READ);
    }
  }

  @Provide
  Arbitrary<String> comment() {
    Arbitrary<String> text =
        Arbitraries.of("", "x", "FOR UPDATE", "nextval('s')", "DELETE FROM t;", "'", "\"", "*");
    return text.flatMap(
        t -> Arbitraries.of("/* " + t + " */ ", " -- " + t + "\n", "\n/*" + t + "*/\n"));
  }

  @Property(tries = 1000)
  void cacheAgreesWithUncached(@ForAll("sqlish") String sql) {
    for (String d : DIALECTS) {
      SqlClassifier fresh = SqlClassifier.forDialect(d);
      Classification uncached = fresh.classifyUncached(sql);
      Classification cached = fresh.classify(sql);
      assertThat(cached.kind()).isEqualTo(uncached.kind());
      assertThat(cached.reason()).isEqualTo(uncached.reason());
      assertThat(cached.hint()).isEqualTo(uncached.hint());
      assertThat(fresh.classify(sql)).isSameAs(cached);
    }
  }

  @Property(tries = 500)
  void anyNonReadStatementJoinedToAReadIsNotARead(
      @ForAll("reads") String read, @ForAll("nonRead") String other) {
    for (SqlClassifier c : CLASSIFIERS) {
      assertThat(c.classifyUncached(read + "; " + other).kind()).isNotEqualTo(StatementKind.READ);
      assertThat(c.classifyUncached(other + ";" + read).kind()).isNotEqualTo(StatementKind.READ);
    }
  }

  @Provide
  Arbitrary<String> nonRead() {
    return Arbitraries.of(
        "DELETE FROM t",
        "SET x = 1",
        "BEGIN",
        "COMMIT",
        "SELECT nextval('s')",
        "LOCK TABLE t",
        "CALL p()",
        "UPDATE t SET a = 1");
  }
}
