package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * {@link GtidState#covers} and the ledger's lookups run per replica check and per carried token:
 * they must not allocate. Measured with the thread's allocation counter over many calls; any
 * allocation per call (at least 16 bytes) would show as megabytes.
 */
class GtidAllocationTest {
  static final int ROUNDS = 200_000;

  @Test
  void coversAndLookupsDoNotAllocate() throws JMException {
    StringBuilder text = new StringBuilder("3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:tag:1-3");
    for (int i = 0; i < 50; i++) {
      text.append(':').append(10 + 3 * i);
    }
    text.append(",ffffffff-71ca-11e1-9e33-c80aa9429562:1-100");
    MySqlGtidSet big = MySqlGtidSet.parse(text.toString());
    MySqlGtidSet small = MySqlGtidSet.parse("ffffffff-71ca-11e1-9e33-c80aa9429562:7-9");
    MariaDbGtidPosition md = MariaDbGtidPosition.parse("0-1-100,1-1-5,2-1-9,7-1-3");
    MariaDbGtidPosition mdSmall = MariaDbGtidPosition.parse("1-1-4,7-1-3");
    PositionLedger ledger = new PositionLedger();
    for (int i = 1; i <= 4096; i++) {
      ledger.primary(0, MariaDbGtidPosition.parse("0-1-" + i + ",1-1-" + i / 7));
    }
    MariaDbGtidPosition replica = MariaDbGtidPosition.parse("0-1-3000,1-1-428");
    MariaDbGtidPosition token = MariaDbGtidPosition.parse("0-1-2500");

    long sink = loop(big, small, md, mdSmall, ledger, replica, token);
    long before = allocatedBytes();
    sink += loop(big, small, md, mdSmall, ledger, replica, token);
    long bytes = allocatedBytes() - before;
    assertThat(sink).isEqualTo(2L * ROUNDS * (3 + 2999 + 2499));
    assertThat(bytes).as("bytes allocated by %d rounds", ROUNDS).isLessThan(64 * 1024);
  }

  private static long loop(
      GtidState big,
      GtidState small,
      GtidState md,
      GtidState mdSmall,
      PositionLedger ledger,
      GtidState replica,
      GtidState token) {
    long sink = 0;
    for (int i = 0; i < ROUNDS; i++) {
      sink += big.covers(small) ? 1 : 0;
      sink += small.covers(big) ? 1 : 0;
      sink += md.covers(mdSmall) ? 1 : 0;
      sink += big.covers(big) ? 1 : 0;
      sink += ledger.replica(replica);
      sink += ledger.ceiling(token);
    }
    return sink;
  }

  private static long allocatedBytes() throws JMException {
    return (Long)
        ManagementFactory.getPlatformMBeanServer()
            .invoke(
                new ObjectName(ManagementFactory.THREAD_MXBEAN_NAME),
                "getThreadAllocatedBytes",
                new Object[] {Thread.currentThread().getId()},
                new String[] {"long"});
  }
}
