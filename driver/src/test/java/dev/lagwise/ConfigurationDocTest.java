package dev.lagwise;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * {@code docs/configuration.md} is generated from {@link LagwiseProperty}; this fails when they
 * drift. Regenerate with {@code ./mvnw -pl driver test -Dtest=ConfigurationDocTest
 * -Dlagwise.regenerate=true}.
 */
class ConfigurationDocTest {

  static final String BEGIN = "<!-- BEGIN GENERATED: LagwiseProperty -->";
  static final String END = "<!-- END GENERATED: LagwiseProperty -->";

  static String table() {
    StringBuilder b = new StringBuilder();
    b.append("| property | type | default | scope | description |\n");
    b.append("| --- | --- | --- | --- | --- |\n");
    for (LagwiseProperty p : LagwiseProperty.values()) {
      String type = p.type().name().toLowerCase(Locale.ROOT);
      if (!p.choices().isEmpty()) {
        type += ": " + String.join(" \\| ", p.choices());
      }
      String def = p.defaultValue().isEmpty() ? "(empty)" : "`" + p.defaultValue() + "`";
      b.append("| `").append(p.key()).append("` | ").append(type).append(" | ").append(def);
      b.append(" | ").append(p.clusterWide() ? "cluster" : "connection");
      b.append(" | ").append(p.description()).append(" |\n");
    }
    return b.toString();
  }

  @Test
  void configurationDocMatchesThePropertyEnum() throws Exception {
    Path here = Path.of("").toAbsolutePath();
    Path doc =
        (Files.isDirectory(here.resolve("docs")) ? here : here.getParent())
            .resolve("docs/configuration.md");
    String text = Files.readString(doc, StandardCharsets.UTF_8);
    int begin = text.indexOf(BEGIN);
    int end = text.indexOf(END);
    assertThat(begin).as("markers in %s", doc).isGreaterThanOrEqualTo(0);
    assertThat(end).isGreaterThan(begin);
    String expected =
        text.substring(0, begin + BEGIN.length()) + "\n" + table() + text.substring(end);
    if (Boolean.getBoolean("lagwise.regenerate")) {
      Files.writeString(doc, expected, StandardCharsets.UTF_8);
      text = expected;
    }
    assertThat(text).as("docs/configuration.md is stale: regenerate").isEqualTo(expected);
  }

  @Test
  void everyPropertyHasABeanSetterOnTheDataSource() throws Exception {
    for (LagwiseProperty p : LagwiseProperty.values()) {
      String setter =
          "set" + Character.toUpperCase(p.beanName().charAt(0)) + p.beanName().substring(1);
      assertThat(LagwiseDataSource.class.getMethod(setter, String.class)).isNotNull();
    }
  }
}
