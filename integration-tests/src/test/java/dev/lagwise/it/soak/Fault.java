package dev.lagwise.it.soak;

import dev.lagwise.testkit.Node;

/**
 * What the soak's schedule does to one node, and whether the application may see failures while it
 * lasts. A fault's window runs from its injection until the next fault begins (its undo and the
 * settling after it included), so a failure caused by a replica coming back still counts against
 * the replica fault.
 */
enum Fault {
  /** Warm-up and any time no fault is in effect: nothing may fail. */
  NONE(false),
  REPLICA_STOP(false),
  REPLICA_KILL(false),
  REPLICA_HANG(false),
  REPLICA_PAUSE_REPLAY(false),
  /** The primary stopped and started again: writes fail meanwhile; that is allowed. */
  PRIMARY_STOP(true),
  /** The old primary stopped and a replica promoted: writes, and reads briefly, may fail. */
  PROMOTION(true);

  /** The schedule's rotation; {@link #NONE} and {@link #PROMOTION} are not scheduled this way. */
  static final Fault[] ROTATION = {
    REPLICA_STOP, REPLICA_KILL, REPLICA_HANG, REPLICA_PAUSE_REPLAY, PRIMARY_STOP
  };

  /** True when the primary is affected: the application may see failed reads and writes. */
  final boolean primary;

  Fault(boolean primary) {
    this.primary = primary;
  }

  void inject(Node node) {
    switch (this) {
      case REPLICA_STOP, PRIMARY_STOP -> node.stop();
      case REPLICA_KILL -> node.kill();
      case REPLICA_HANG -> node.hang();
      case REPLICA_PAUSE_REPLAY -> node.pauseReplay();
      default -> throw new IllegalStateException(this + " is not injected on one node");
    }
  }

  void undo(Node node) {
    switch (this) {
      case REPLICA_STOP, REPLICA_KILL, PRIMARY_STOP -> node.start();
      case REPLICA_HANG -> node.unhang();
      case REPLICA_PAUSE_REPLAY -> node.resumeReplay();
      default -> throw new IllegalStateException(this + " is not undone on one node");
    }
  }
}
