package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Orphans of a dead JVM are removed; a live JVM's cluster is left alone. No MariaDB needed. */
class MariaDbReaperTest {

  @Test
  void killsServersAndDeletesDirectoriesOfDeadJvmsOnly(@TempDir Path tmp) throws Exception {
    Path orphan = Files.createDirectory(tmp.resolve(MariaDbReaper.PREFIX + "orphan"));
    // pid 1 is alive but started long before this "owner": a reused pid, so the owner is gone.
    Files.writeString(orphan.resolve("owner"), "1 1970-01-01T00:00:00Z", StandardCharsets.UTF_8);
    Process orphanServer = fakeServer(orphan.resolve("primary"));

    Path live = Files.createDirectory(tmp.resolve(MariaDbReaper.PREFIX + "live"));
    MariaDbReaper.claim(live);
    Process liveServer = fakeServer(live.resolve("primary"));
    try {
      MariaDbReaper.reapOrphans(tmp);

      assertThat(orphanServer.waitFor(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Files.exists(orphan)).isFalse();
      assertThat(liveServer.isAlive()).isTrue();
      assertThat(Files.exists(live.resolve("primary/mysqld.pid"))).isTrue();
    } finally {
      orphanServer.destroyForcibly();
      liveServer.destroyForcibly();
    }
  }

  /** A long-running process whose command line names its node directory, like mariadbd's. */
  private static Process fakeServer(Path nodeDir) throws Exception {
    Files.createDirectories(nodeDir);
    Path log = Files.createFile(nodeDir.resolve("error.log"));
    Process p = new ProcessBuilder("tail", "-f", log.toString()).start();
    Files.writeString(nodeDir.resolve("mysqld.pid"), p.pid() + "\n", StandardCharsets.UTF_8);
    return p;
  }
}
