package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The examples in {@code docs/routing.md} are the classifier's test table ({@code
 * classifier-cases.csv}) rendered as Markdown, so the guide cannot promise what the classifier does
 * not do. Regenerate with {@code ./mvnw -pl routing test -Dtest=RoutingDocTest
 * -Dlagwise.regenerate=true}.
 */
class RoutingDocTest {

  static final String BEGIN = "<!-- BEGIN GENERATED: classifier-cases.csv -->";
  static final String END = "<!-- END GENERATED: classifier-cases.csv -->";

  static String render(String csv) {
    StringBuilder b = new StringBuilder();
    for (String line : csv.split("\n", -1)) {
      if (line.startsWith("# --- ")) {
        b.append("\n#### ").append(line.substring(6).strip()).append("\n\n");
        b.append("| dialect | SQL | routed as | why |\n| --- | --- | --- | --- |\n");
      } else if (!line.isBlank() && !line.startsWith("#")) {
        String[] f = line.split("\\|", -1);
        String sql = f[1].strip().replace("{nl}", "⏎").replace("|", "\\|").replace("`", "'");
        String kind = f[2].strip() + (f.length == 5 ? " (hint " + f[4].strip() + ")" : "");
        b.append("| ").append(f[0].strip()).append(" | `").append(sql).append("` | ");
        b.append(kind).append(" | ").append(f[3].strip().replace("|", "\\|")).append(" |\n");
      }
    }
    return b.toString();
  }

  @Test
  void routingGuideExamplesAreTheClassifierTable() throws Exception {
    String csv;
    try (InputStream in = RoutingDocTest.class.getResourceAsStream("/classifier-cases.csv")) {
      csv = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path here = Path.of("").toAbsolutePath();
    Path doc =
        (Files.isDirectory(here.resolve("docs")) ? here : here.getParent())
            .resolve("docs/routing.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("markers in %s", doc).isGreaterThanOrEqualTo(0);
    assertThat(end).isGreaterThan(begin);
    String expected =
        text.substring(0, begin + BEGIN.length()) + "\n" + render(csv) + "\n" + text.substring(end);
    if (Boolean.getBoolean("lagwise.regenerate")) {
      Files.writeString(doc, expected, StandardCharsets.UTF_8);
      text = expected;
    }
    assertThat(text).as("docs/routing.md is stale: regenerate").isEqualTo(expected);
  }
}
