package dev.lagwise.routing;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Where a statement goes when no transaction holds it: rules 2 to 6 of {@link Router}'s decision
 * (pinned session, hints, a transaction that starts, classification, no replica qualifies), and the
 * {@link RouteReason} of the rule that decided. The router owns the state; this reads it as
 * arguments.
 */
final class Placement {

  private static final String CONTESTED =
      "more than one host acts as primary (writable and replicating from nobody; each is marked"
          + " PRIMARY below), so none is chosen: make all but one a replica";

  private static final int SERIALIZABLE = 8; // java.sql.Connection.TRANSACTION_SERIALIZABLE

  private final Topology topology;
  private final ReplicaSelector selector;
  private final Router.Dialect dialect;

  /** Each host with its status and last error, for messages when nothing can serve. */
  private final Router.Describer hosts;

  /** Why the last placement chose the primary; null when a replica or nothing decided. */
  private RouteReason reason;

  Placement(
      Topology topology, ReplicaSelector selector, Router.Dialect dialect, Router.Describer hosts) {
    this.topology = topology;
    this.selector = selector;
    this.dialect = dialect;
    this.hosts = hosts;
  }

  void clear() {
    reason = null;
  }

  void because(RouteReason why) {
    reason = why;
  }

  RouteReason reason() {
    return reason;
  }

  /**
   * The node for a statement of {@code kind} outside a transaction; {@code startsTx}: autocommit is
   * off, so it begins one.
   */
  int place(
      StatementKind kind,
      Hint hint,
      boolean startsTx,
      boolean readOnly,
      int isolation,
      int pinnedNode)
      throws SQLException {
    boolean write = kind == StatementKind.WRITE;
    // A read-only transaction may run on a replica; where read-only is only a hint (MariaDB), not
    // one that starts with a write.
    boolean replicaTx = startsTx && readOnly && (dialect.readOnlyIsEnforced() || !write);
    if (pinnedNode >= 0) {
      boolean read = kind == StatementKind.READ || kind == StatementKind.BEGIN_READ_ONLY;
      return (read || replicaTx) ? pinnedRead(pinnedNode) : primary(RouteReason.PINNED);
    }
    if (hint == Hint.PRIMARY) {
      return primary(RouteReason.HINT);
    }
    if (hint == Hint.REPLICA) {
      // An explicit choice of a replica: health and maxLag still apply, tokens do not.
      int replica = selector.forHint();
      return replica >= 0 ? replica : primaryForRead();
    }
    if (startsTx) {
      return replicaTx ? replicaOrPrimary(isolation) : primary(RouteReason.TRANSACTION);
    }
    if (kind == StatementKind.READ || kind == StatementKind.BEGIN_READ_ONLY) {
      return replicaOrPrimary(isolation);
    }
    return primary(kind == StatementKind.BEGIN ? RouteReason.TRANSACTION : RouteReason.WRITE);
  }

  /** A read of a pinned session: where the state lives, if it may serve the read; else primary. */
  private int pinnedRead(int pinnedNode) throws SQLException {
    ClusterView s = topology.view();
    if (pinnedNode == s.primary()) {
      return primary(RouteReason.PINNED);
    }
    int replica = selector.forRead(pinnedNode);
    return replica >= 0 ? replica : primary(RouteReason.PINNED);
  }

  private int replicaOrPrimary(int isolation) throws SQLException {
    if (isolation == SERIALIZABLE && !dialect.replicasServeSerializable()) {
      return primary(RouteReason.TRANSACTION);
    }
    int replica = selector.forRead();
    return replica >= 0 ? replica : primaryForRead();
  }

  /** No replica qualifies: the primary, or an error that says why neither can serve the read. */
  private int primaryForRead() throws SQLException {
    ClusterView s = topology.view();
    if (s.primary() < 0) {
      throw new SQLTransientConnectionException(
          "No replica is usable within lagwise.maxLag="
              + selector.maxLagNanos / 1_000_000
              + "ms and "
              + (s.primaryContested() ? CONTESTED : "no primary is reachable")
              + needs(selector.lastNeed())
              + "; hosts: "
              + hosts.hosts(),
          "08001");
    }
    reason = selector.whyNot(s);
    return s.primary();
  }

  /** The primary, for {@code why} unless an earlier rule of this placement named a reason. */
  int primary(RouteReason why) throws SQLException {
    ClusterView s = topology.view();
    int p = s.primary();
    if (p < 0) {
      throw new SQLTransientConnectionException(
          (s.primaryContested()
                  ? "A statement that must run on the primary is refused: " + CONTESTED
                  : "No primary is reachable for a statement that must run on the primary")
              + "; hosts: "
              + hosts.hosts(),
          "08001");
    }
    if (reason == null) {
      reason = why;
    }
    return p;
  }

  /** What the read had to see, as a token, when it had to see anything. */
  private String needs(long need) {
    if (need < 0) {
      return "";
    }
    return need == Long.MAX_VALUE
        ? " (the read must see the primary's position after a moment no replica is known to have"
            + " reached)"
        : " (the read must see " + hosts.position(need) + ")";
  }
}
