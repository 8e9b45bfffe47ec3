package dev.lagwise.spring;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * docs/spring-boot.md's properties table and the generated configuration metadata (what IDEs
 * complete) name the same properties.
 */
class SpringBootDocTest {

  private static Set<String> matches(Pattern p, String text) {
    Set<String> out = new TreeSet<>();
    Matcher m = p.matcher(text);
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }

  @Test
  void theDocsTableListsExactlyTheMetadatasProperties() throws IOException {
    String metadata;
    try (InputStream in =
        getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated metadata on the class path").isNotNull();
      metadata = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    int properties = metadata.indexOf("\"properties\"");
    Set<String> names =
        matches(
            Pattern.compile("\"name\": \"([a-z.-]+)\""),
            metadata.substring(properties, nextTopLevelKey(metadata, properties)));
    String docs = Files.readString(Path.of("..", "docs", "spring-boot.md"));
    int section = docs.indexOf("\n## Properties");
    docs = docs.substring(section, docs.indexOf("\n## ", section + 1));
    Set<String> documented =
        matches(Pattern.compile("(?m)^\\| `((?:lagwise|management\\.health)[a-z.-]*)` \\|"), docs);
    assertThat(names).contains("lagwise.max-lag", "lagwise.web.cookie-max-age");
    assertThat(documented).isEqualTo(names);
  }

  /** Where the "properties" array ends: the next top-level key, or the end. */
  private static int nextTopLevelKey(String json, int from) {
    int hints = json.indexOf("\"hints\"", from);
    return hints < 0 ? json.length() : hints;
  }
}
