package dev.lagwise.monitor;

/** What the monitor last learned about one host. */
public enum NodeStatus {
  /** Not probed yet. Routing treats it as unavailable. */
  UNKNOWN,
  PRIMARY,
  REPLICA,
  /**
   * Answers, but its data is not a prefix of the primary's: a primary on an older timeline than
   * another (split brain after a promotion), a standby on another timeline than the primary (an old
   * primary restarted without rewind, a standby still following the old primary), a replica with
   * transactions of its own. It takes no write and serves no read ({@link
   * ClusterSnapshot#divergence(int)} says why).
   */
  DIVERGED,
  /** The last probe or a statement failed with a connection error. */
  DOWN
}
