package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The classification table in {@code classifier-cases.csv}, row by row. */
class ClassifierCasesTest {
  private static final Map<String, SqlClassifier> CLASSIFIERS =
      Map.of(
          "postgresql", SqlClassifier.forDialect("postgresql"),
          "mysql", SqlClassifier.forDialect("mysql"),
          "mariadb", SqlClassifier.forDialect("mariadb"));

  record Case(int line, String dialect, String sql, StatementKind kind, String reason, Hint hint) {
    @Override
    public String toString() {
      return "line "
          + line
          + " ["
          + dialect
          + "] "
          + sql.replace("\n", "{nl}").replace("\r", "{cr}");
    }
  }

  static List<Case> cases() throws IOException {
    List<Case> cases = new ArrayList<>();
    try (InputStream in = ClassifierCasesTest.class.getResourceAsStream("/classifier-cases.csv")) {
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      int lineNo = 0;
      for (String line; (line = r.readLine()) != null; ) {
        lineNo++;
        if (line.isBlank() || line.startsWith("#")) {
          continue;
        }
        String[] f = line.split("\\|", -1);
        if (f.length < 4 || f.length > 5) {
          throw new IllegalStateException("line " + lineNo + ": expected 4 or 5 columns: " + line);
        }
        String sql = f[1].strip().replace("{nl}", "\n").replace("{cr}", "\r");
        StatementKind kind = StatementKind.valueOf(f[2].strip());
        Hint hint = f.length == 5 ? Hint.valueOf(f[4].strip()) : Hint.NONE;
        String dialect = f[0].strip();
        List<String> dialects =
            switch (dialect) {
              case "any" -> List.of("postgresql", "mysql", "mariadb");
              case "mysql+mariadb" -> List.of("mysql", "mariadb");
              default -> List.of(dialect);
            };
        for (String d : dialects) {
          cases.add(new Case(lineNo, d, sql, kind, f[3].strip(), hint));
        }
      }
    }
    return cases;
  }

  static Stream<Arguments> rows() throws IOException {
    return cases().stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void classifies(Case c) {
    SqlClassifier classifier = CLASSIFIERS.get(c.dialect());
    Classification got = classifier.classifyUncached(c.sql());
    assertThat(got.kind()).as("kind, reason was '%s'", got.reason()).isEqualTo(c.kind());
    assertThat(got.reason()).contains(c.reason());
    assertThat(got.hint()).isEqualTo(c.hint());
    assertThat(got.isReplicaSafe()).isEqualTo(c.kind() == StatementKind.READ);
    Classification cached = classifier.classify(c.sql());
    assertThat(cached.kind()).isEqualTo(got.kind());
    assertThat(cached.reason()).isEqualTo(got.reason());
    assertThat(classifier.classify(c.sql())).isSameAs(cached);
  }

  @Test
  void tableCoversEveryKindAndDialect() throws IOException {
    List<Case> all = cases();
    assertThat(all).hasSizeGreaterThan(300);
    for (StatementKind k : StatementKind.values()) {
      assertThat(all).as("rows for " + k).anyMatch(c -> c.kind() == k);
    }
    for (String d : CLASSIFIERS.keySet()) {
      assertThat(all).as("rows for " + d).anyMatch(c -> c.dialect().equals(d));
    }
  }
}
