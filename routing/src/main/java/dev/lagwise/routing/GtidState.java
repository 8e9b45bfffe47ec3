package dev.lagwise.routing;

/**
 * An immutable replication position of a MySQL-family server: the set of transactions a node has
 * executed, named by GTIDs.
 *
 * <p>Why not a {@code long} like a PostgreSQL LSN: a MariaDB position has one sequence per
 * replication domain and a MySQL GTID set has intervals per source server, so two positions can be
 * incomparable (each has transactions the other lacks, e.g. after a failover that lost
 * transactions). Routing still compares {@code long}s on its hot path; {@link PositionLedger} maps
 * these partially ordered states onto a chain of {@code long} ordinals where that is exact.
 *
 * <p>Implementations ({@link MariaDbGtidPosition}, {@link MySqlGtidSet}) are values: {@code equals}
 * and {@code hashCode} compare the normal form, and {@link #toString()} is the canonical text that
 * {@code parse} reads back. Mixing the two kinds in {@link #covers} or {@link #join} throws {@link
 * IllegalArgumentException}: a MariaDB position says nothing about a MySQL set.
 */
public interface GtidState {

  /**
   * True when this state contains every transaction {@code other} names: a node at this state has
   * executed everything a node at {@code other} has. Reflexive, antisymmetric on normal forms,
   * transitive; does not allocate (it runs per replica check).
   *
   * @throws IllegalArgumentException when {@code other} is null or of the other kind
   */
  boolean covers(GtidState other);

  /**
   * The least upper bound: the smallest state that covers both this and {@code other}.
   *
   * @throws IllegalArgumentException when {@code other} is null or of the other kind
   */
  GtidState join(GtidState other);

  /** True when this state names no transaction (a fresh server); it is covered by every state. */
  boolean isEmpty();

  /** The canonical text, as the server prints it minus whitespace; {@code parse} reads it back. */
  @Override
  String toString();

  /** Length of {@link #toString()}: what a token carrying this state will cost. */
  default int textLength() {
    return toString().length();
  }
}
