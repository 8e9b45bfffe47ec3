package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Servers that cannot start: a clear message, a retry where one helps, nothing left behind. */
class MariaDbStartFailureTest {

  @Test
  void serverThatCannotStartFailsWithCommandAndLogTail() {
    Throwable thrown =
        catchStart(MariaDbCluster.builder().replicas(0).serverArgs("--no-such-option-lagwise"));

    assertThat(thrown)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("exited with code")
        .hasMessageContaining("Command: ")
        .hasMessageContaining("bin/mariadbd --no-defaults")
        .hasMessageContaining("unknown option '--no-such-option-lagwise'");
    Matcher m = Pattern.compile("MariaDB server in (\\S+)").matcher(thrown.getMessage());
    assertThat(m.find()).isTrue();
    Path nodeDir = Path.of(m.group(1));
    assertThat(Files.exists(nodeDir.getParent())).as("cluster directory removed").isFalse();
  }

  @Test
  void portTakenMeanwhileIsRetriedOnAnother() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      AtomicInteger calls = new AtomicInteger();
      MariaDbCluster.Builder builder =
          MariaDbCluster.builder()
              .replicas(0)
              .ports(
                  () -> calls.getAndIncrement() == 0 ? taken.getLocalPort() : Processes.freePort());
      try (MariaDbCluster cluster = builder.start()) {
        assertThat(calls.get()).isGreaterThanOrEqualTo(2);
        assertThat(cluster.primary().port()).isNotEqualTo(taken.getLocalPort());
        assertThat(cluster.primary().isRunning()).isTrue();
      }
    }
  }

  private static Throwable catchStart(MariaDbCluster.Builder builder) {
    try {
      builder.start().close();
    } catch (RuntimeException e) {
      return e;
    }
    throw new AssertionError("the cluster started although it should not have");
  }
}
