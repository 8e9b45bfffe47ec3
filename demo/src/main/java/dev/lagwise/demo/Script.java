package dev.lagwise.demo;

import dev.lagwise.testkit.Node;
import java.time.Duration;
import java.util.List;

/**
 * The faults the demo injects, at fixed seconds into the run. Replica 2's apply delay is longer
 * than {@code lagwise.maxLag} (2 s by default) so that for ten seconds no replica qualifies and
 * plain reads must go to the primary.
 */
final class Script {

  /** One step: at {@code atSecond}, run {@code action} and show {@code phase} from then on. */
  record Step(int atSecond, String phase, Runnable action) {}

  static final int RUN_SECONDS = 50;
  static final Duration APPLY_DELAY = Duration.ofSeconds(3);

  private final List<Step> steps;
  private int next;
  private String phase = "starting";

  Script(List<Step> steps) {
    this.steps = steps;
  }

  /** The demo's timeline on a cluster's two replicas. */
  static Script on(Node replica1, Node replica2) {
    return new Script(
        List.of(
            new Step(0, "all replicas streaming", () -> {}),
            new Step(10, "replica1 replay paused", replica1::pauseReplay),
            new Step(
                20,
                "replica1 paused + replica2 3 s apply delay",
                () -> replica2.setApplyDelay(APPLY_DELAY)),
            new Step(
                30,
                "replica1 resumed, replica2 delay cleared",
                () -> {
                  replica1.resumeReplay();
                  replica2.setApplyDelay(Duration.ZERO);
                }),
            new Step(36, "all replicas streaming again", () -> {}),
            new Step(RUN_SECONDS, "done", () -> {})));
  }

  /** Runs every step that is due at {@code elapsedMillis}; returns the current phase. */
  String advance(long elapsedMillis) {
    while (next < steps.size() && steps.get(next).atSecond() * 1000L <= elapsedMillis) {
      Step step = steps.get(next++);
      step.action().run();
      phase = step.phase();
    }
    return phase;
  }

  /** What comes next, e.g. {@code "at 30 s: replica1 replay resumed, ..."}; empty at the end. */
  String upcoming() {
    if (next >= steps.size()) {
      return "";
    }
    Step step = steps.get(next);
    return "at " + step.atSecond() + " s: " + step.phase();
  }
}
