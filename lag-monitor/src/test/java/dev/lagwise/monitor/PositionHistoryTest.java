package dev.lagwise.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PositionHistoryTest {

  static final long MS = 1_000_000L;

  /** Samples (time in ms, position): (10, 100), (20, 200), (30, 300). */
  static PositionHistory three() {
    PositionHistory h = new PositionHistory(8);
    h.add(10 * MS, 100);
    h.add(20 * MS, 200);
    h.add(30 * MS, 300);
    return h;
  }

  @ParameterizedTest
  @CsvSource({
    // position, fresh as of (MIN = unknown)
    "300, 30",
    "999, 30",
    "299, 20",
    "200, 20",
    "150, 10",
    "100, 10",
    "99, -9223372036854775808",
    "-1, -9223372036854775808",
  })
  void freshAsOfIsTheLatestSampleAtOrBelowThePosition(long position, long expectedMs) {
    assertThat(three().freshAsOf(position))
        .isEqualTo(expectedMs == Long.MIN_VALUE ? expectedMs : expectedMs * MS);
  }

  @ParameterizedTest
  @CsvSource({"300, 30", "250, 20", "150, -9223372036854775808"})
  void aFullRingForgetsTheOldest(long position, long expectedMs) {
    PositionHistory h = new PositionHistory(2);
    h.add(10 * MS, 100);
    h.add(20 * MS, 200);
    h.add(30 * MS, 300);
    assertThat(h.freshAsOf(position))
        .isEqualTo(expectedMs == Long.MIN_VALUE ? expectedMs : expectedMs * MS);
  }

  @ParameterizedTest
  @CsvSource({"50, -9223372036854775808", "600, 40"})
  void aPositionGoingBackwardsStartsOver(long position, long expectedMs) {
    PositionHistory h = three();
    h.add(40 * MS, 60);
    assertThat(h.latestPosition()).isEqualTo(60);
    assertThat(h.freshAsOf(position))
        .isEqualTo(expectedMs == Long.MIN_VALUE ? expectedMs : expectedMs * MS);
  }

  @org.junit.jupiter.api.Test
  void samplesCloserThanTheGapReplaceTheNewestSoTheWindowLasts() {
    PositionHistory h = new PositionHistory(4);
    for (int i = 0; i <= 1000; i++) {
      h.add(i * MS, i); // one sample per millisecond for a second
    }
    assertThat(h.latestPosition()).as("the newest sample is always kept").isEqualTo(1000);
    assertThat(h.freshAsOf(1000)).isEqualTo(1000 * MS);
    // Without thinning, four entries would reach back 3 ms; with it, about 10 ms per entry.
    assertThat(h.freshAsOf(990)).isLessThanOrEqualTo(990 * MS);
    assertThat(h.freshAsOf(980)).isNotEqualTo(PositionHistory.UNKNOWN);
  }

  /** Whatever the samples, the answer is a sample time and never claims more than is known. */
  @Property
  void neverOptimistic(
      @ForAll @IntRange(min = 1, max = 40) int samples,
      @ForAll @IntRange(min = 1, max = 16) int capacity,
      @ForAll @LongRange(min = 0, max = 5000) long position) {
    PositionHistory h = new PositionHistory(capacity);
    long[] times = new long[samples];
    long[] positions = new long[samples];
    for (int i = 0; i < samples; i++) {
      times[i] = 10 * MS * (i + 1);
      positions[i] = 100L * i + (i % 3);
      h.add(times[i], positions[i]);
    }
    long fresh = h.freshAsOf(position);
    if (fresh != PositionHistory.UNKNOWN) {
      int i = (int) (fresh / (10 * MS)) - 1;
      assertThat(positions[i]).isLessThanOrEqualTo(position);
      // No later sample that is also covered: the answer is the latest one.
      for (int j = i + 1; j < samples; j++) {
        assertThat(positions[j]).isGreaterThan(position);
      }
      assertThat(i).isGreaterThanOrEqualTo(samples - capacity);
    }
  }
}
