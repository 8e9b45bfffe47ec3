package dev.lagwise.monitor;

/** What the monitor last learned about one host. */
public enum NodeStatus {
  /** Not probed yet. Routing treats it as unavailable. */
  UNKNOWN,
  PRIMARY,
  REPLICA,
  /** The last probe or a statement failed with a connection error. */
  DOWN
}
