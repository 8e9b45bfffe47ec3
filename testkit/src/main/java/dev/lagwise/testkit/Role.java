package dev.lagwise.testkit;

/** What a node currently is. A promoted replica becomes {@link #PRIMARY}. */
public enum Role {
  PRIMARY,
  REPLICA
}
