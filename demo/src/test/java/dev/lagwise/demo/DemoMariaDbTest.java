package dev.lagwise.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The whole demo on a MariaDB cluster, as {@code ./lagwise demo --mariadb} runs it (50 s of
 * workload and faults), with plain output: its self-check must pass, and replicas must have served
 * reads.
 */
class DemoMariaDbTest {

  @Test
  void runsTheLiveViewOnMariaDbWithoutViolations() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    int status = new Demo(new Screen(out, false), DemoEngine.MARIADB).run();

    String output = bytes.toString(StandardCharsets.UTF_8);
    assertThat(output)
        .as(output)
        .contains("Starting a MariaDB primary and 2 GTID replicas")
        .contains("Lagwise demo: MariaDB primary + 2 replicas")
        .contains("Read-your-writes held")
        .contains("Result: OK")
        .contains("Cluster stopped");
    assertThat(status).as(output).isZero();
    Matcher reads = Pattern.compile("READS +[0-9,]+: replicas ([0-9,]+) ").matcher(output);
    assertThat(reads.find()).as(output).isTrue();
    assertThat(Long.parseLong(reads.group(1).replace(",", ""))).as(output).isPositive();
  }
}
