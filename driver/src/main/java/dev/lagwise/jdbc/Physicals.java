package dev.lagwise.jdbc;

import dev.lagwise.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.util.concurrent.Executor;

/**
 * The vendor connections of one logical connection, one slot per host, opened on first use and
 * brought up to the session's state before each use.
 */
final class Physicals {

  private final Cluster cluster;
  private final ConnectionSpec spec;
  private final PhysicalConnection[] slots;

  Physicals(Cluster cluster, ConnectionSpec spec) {
    this.cluster = cluster;
    this.spec = spec;
    this.slots = new PhysicalConnection[spec.hosts.size()];
  }

  /** The vendor connection of {@code node}, opened if needed and synced with the session. */
  PhysicalConnection prepare(int node, Router router, SessionState state) throws SQLException {
    PhysicalConnection pc = slots[node];
    if (pc == null) {
      pc = open(node);
    }
    pc.sync(router, state, router.transactionOpenOn(node));
    return pc;
  }

  /**
   * The open vendor connection of {@code node}, or null; null for -1 too (a capture asked for after
   * the connection it was to run on was lost while the primary was down).
   */
  PhysicalConnection existing(int node) {
    return node < 0 ? null : slots[node];
  }

  /** Some open vendor connection, the primary's first; or null. */
  PhysicalConnection anyOpen() {
    int p = cluster.snapshot().primary();
    if (p >= 0 && slots[p] != null) {
      return slots[p];
    }
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        return pc;
      }
    }
    return null;
  }

  private PhysicalConnection open(int node) throws SQLException {
    HostSpec host = spec.hosts.get(node);
    Connection c;
    try {
      c = cluster.vendor.connect(spec.vendorUrl(host), spec.vendorProperties);
    } catch (SQLException e) {
      String message = Masking.scrub(e.getMessage(), spec.password());
      // Evidence for the monitor's probe, not a verdict; a wrong password is none at all.
      cluster.monitor.suspect(node, e.getSQLState());
      throw Errors.unavailable(
          "Cannot connect to " + host + ": " + message + "; hosts: " + cluster.describeNodes(), e);
    }
    if (c == null) {
      throw Errors.unavailable("The vendor driver refused the URL for " + host, null);
    }
    cluster.useCredentialsOf(spec);
    PhysicalConnection pc = new PhysicalConnection(node, c);
    slots[node] = pc;
    return pc;
  }

  /** Closes and forgets the vendor connection of {@code node}; the next use opens a new one. */
  void drop(int node) {
    PhysicalConnection pc = slots[node];
    if (pc != null) {
      slots[node] = null;
      pc.closeQuietly();
    }
  }

  /**
   * Drops every dead vendor connection, so that it is reopened on next use; false when one of them
   * holds the open transaction ({@code txNode}) or pinned state ({@code pinnedNode}): that cannot
   * be reopened.
   */
  boolean validate(int timeout, int txNode, int pinnedNode) throws SQLException {
    for (int i = 0; i < slots.length; i++) {
      PhysicalConnection pc = slots[i];
      if (pc != null && !pc.connection.isValid(timeout)) {
        if (i == txNode || i == pinnedNode) {
          return false;
        }
        drop(i);
      }
    }
    return true;
  }

  /** Closes every vendor connection; throws the first failure after trying all. */
  void closeAll() throws SQLException {
    SQLException first = null;
    for (int i = 0; i < slots.length; i++) {
      PhysicalConnection pc = slots[i];
      slots[i] = null;
      if (pc != null) {
        try {
          pc.connection.close();
        } catch (SQLException e) {
          first = first == null ? e : first;
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  void abortAll(Executor executor) throws SQLException {
    for (int i = 0; i < slots.length; i++) {
      PhysicalConnection pc = slots[i];
      slots[i] = null;
      if (pc != null) {
        pc.connection.abort(executor);
      }
    }
  }

  /** The warnings of every open vendor connection, chained after {@code first}. */
  SQLWarning warnings(SQLWarning first) throws SQLException {
    SQLWarning all = first;
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        SQLWarning w = pc.connection.getWarnings();
        if (w != null && w != all) {
          if (all == null) {
            all = w;
          } else {
            all.setNextWarning(w);
          }
        }
      }
    }
    return all;
  }

  void clearWarnings() throws SQLException {
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        pc.connection.clearWarnings();
      }
    }
  }
}
