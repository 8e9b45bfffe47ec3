package dev.lagwise.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;

/** {@link Suspicions} on a clock the test moves: which errors count, and the probes' spacing. */
class SuspicionsTest {

  static final long MS = 1_000_000L;

  @ParameterizedTest(name = "{0}: about the session, not the host: {1}")
  @CsvSource({
    "28P01, true", // PostgreSQL: password authentication failed
    "28000, true", // no pg_hba.conf entry, unknown role; MySQL/MariaDB access denied
    "3D000, true", // database does not exist
    "42501, true", // no CONNECT privilege
    "42000, true", // MySQL/MariaDB unknown database
    "22023, true", // invalid startup option value
    "0A000, true", // not supported
    "08004, true", // PgJDBC: no password given, unsupported authentication; MySQL: too many
    "08001, false", // connection refused, unknown host
    "08006, false", // I/O error: the host may be gone
    "08003, false", // the connection is closed
    "08S01, false", // MySQL/MariaDB communications link failure
    "57P01, false", // terminated by an administrator, or the server shuts down
    "57P03, false", // the server is starting up or shutting down
    "53300, false", // too many connections
    "HY000, false",
  })
  void connectErrorsThatSpeakOfTheSessionAreNoEvidence(String sqlState, boolean session) {
    assertThat(Suspicions.concernsSession(sqlState)).isEqualTo(session);
  }

  @ParameterizedTest
  @NullAndEmptySource
  void anErrorWithoutSqlStateIsEvidence(String sqlState) {
    assertThat(Suspicions.concernsSession(sqlState)).isFalse();
  }

  @Test
  void aSuspicionIsAnsweredByTheNextProbeAtOnceThenNoSoonerThanTheSpacing() {
    Suspicions s = new Suspicions(2, 10 * MS);
    assertThat(s.holdNanos(0, 0)).as("nothing pending: a normal wake").isZero();
    s.report(0);
    assertThat(s.pending(0)).isTrue();
    assertThat(s.pending(1)).isFalse();
    assertThat(s.holdNanos(0, 5 * MS)).as("the first suspicion: probe now").isZero();
    s.probing(0, 5 * MS);
    assertThat(s.pending(0)).isFalse();
    s.report(0);
    assertThat(s.holdNanos(0, 6 * MS)).isEqualTo(9 * MS);
    assertThat(s.holdNanos(1, 6 * MS)).as("per host").isZero();
    assertThat(s.holdNanos(0, 15 * MS)).isZero();
    s.probing(0, 15 * MS);
    assertThat(s.holdNanos(0, 16 * MS)).as("answered").isZero();
  }

  @Test
  void aProbeThatStartedBeforeTheErrorDoesNotAnswerIt() {
    Suspicions s = new Suspicions(1, 10 * MS);
    s.probing(0, 0);
    s.report(0);
    assertThat(s.pending(0)).as("the probe in flight may have been sent before the error").isTrue();
    assertThat(s.holdNanos(0, 1 * MS)).as("no suspicion probe yet: now").isZero();
  }

  /** A prober that probes whenever it may, and 1000 errors per second for one second. */
  @Test
  void aStormOfErrorsCostsTheHostOneProbePerSpacing() {
    Suspicions s = new Suspicions(1, 10 * MS);
    int probes = 0;
    for (long now = 0; now < 1000 * MS; now += MS) {
      s.report(0);
      if (s.holdNanos(0, now) == 0) {
        s.probing(0, now);
        probes++;
      }
    }
    assertThat(probes).isEqualTo(100);
  }
}
