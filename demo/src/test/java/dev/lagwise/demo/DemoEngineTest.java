package dev.lagwise.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class DemoEngineTest {

  @Test
  void commandLineChoosesTheEngine() {
    assertThat(DemoEngine.fromArgs(List.of())).isEqualTo(DemoEngine.POSTGRESQL);
    assertThat(DemoEngine.fromArgs(List.of("--postgresql"))).isEqualTo(DemoEngine.POSTGRESQL);
    assertThat(DemoEngine.fromArgs(List.of("--mariadb"))).isEqualTo(DemoEngine.MARIADB);
  }

  @Test
  void anythingElseIsAUsageError() {
    for (List<String> args :
        List.of(List.of("--mysql"), List.of("mariadb"), List.of("--mariadb", "--postgresql"))) {
      assertThatThrownBy(() -> DemoEngine.fromArgs(args))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(args.toString())
          .hasMessageContaining("usage: lagwise-demo [--postgresql | --mariadb]");
    }
  }
}
