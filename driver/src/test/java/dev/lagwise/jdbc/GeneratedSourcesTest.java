package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The committed generated delegates are exactly what {@link DelegateGenerator} writes today. */
class GeneratedSourcesTest {

  @Test
  void generatedSourcesAreUpToDate() throws Exception {
    if (Boolean.getBoolean("lagwise.regenerate")) {
      DelegateGenerator.writeAll();
    }
    for (Map.Entry<String, String> e : DelegateGenerator.generateAll().entrySet()) {
      String committed =
          Files.readString(
              DelegateGenerator.sourceDir().resolve(e.getKey() + ".java"), StandardCharsets.UTF_8);
      assertThat(committed)
          .as("%s.java is stale: regenerate with -Dlagwise.regenerate=true", e.getKey())
          .isEqualTo(e.getValue());
    }
  }
}
