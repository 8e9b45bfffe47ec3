package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A JVM killed with SIGKILL runs no shutdown hook; the next cluster start reclaims its servers. */
class PostgresOrphanTest {

  /** Run in a child JVM: starts a cluster, reports it, and waits to be killed. */
  public static void main(String[] args) throws Exception {
    PostgresCluster cluster = PostgresCluster.builder().replicas(1).start();
    PgProcess primary = ((PgNode) cluster.primary()).process();
    System.out.println(cluster.directory() + " " + primary.handle().orElseThrow().pid());
    System.out.flush();
    Thread.sleep(120_000);
  }

  @Test
  void serversOfAKilledJvmAreReclaimedByTheNextStart() throws Exception {
    String java = ProcessHandle.current().info().command().orElseThrow();
    Process child =
        new ProcessBuilder(
                List.of(
                    java,
                    "-cp",
                    System.getProperty("java.class.path"),
                    PostgresOrphanTest.class.getName()))
            .redirectErrorStream(true)
            .start();
    String line;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
      do {
        line = out.readLine();
      } while (line != null && !line.contains(PgOrphans.PREFIX));
      assertThat(line).as("the child JVM reported its cluster").isNotNull();
      child.destroyForcibly(); // SIGKILL: no shutdown hook
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    Path dir = Path.of(line.split(" ")[0]);
    ProcessHandle orphan = ProcessHandle.of(Long.parseLong(line.split(" ")[1])).orElseThrow();
    assertThat(orphan.isAlive()).as("the orphaned postmaster survived its JVM").isTrue();
    assertThat(dir).isDirectory();

    PgOrphans.reclaim(dir.getParent());

    assertThat(orphan.onExit().get(30, TimeUnit.SECONDS).isAlive()).isFalse();
    assertThat(dir).doesNotExist();
  }
}
