package dev.lagwise.jdbc;

import dev.lagwise.monitor.ClusterMonitor;
import dev.lagwise.monitor.ClusterSnapshot;
import dev.lagwise.monitor.NodeStatus;
import dev.lagwise.routing.Router;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.sql.SQLWarning;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

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
      router.defaultIsolationSeen(IsolationLevels.loginDefault(spec.dialect, pc.connection));
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

  /**
   * Opens the session's first vendor connection, at {@code getConnection()}, so that a wrong
   * password, an unknown database or a bad vendor property fails there with the vendor's SQLState
   * (pools rely on it at start-up): the primary's, which every write and capture uses; when it
   * cannot be reached, the first other host that accepts (reads go on while the primary is down),
   * hosts the monitor last saw answering first, each group in URL order, so that a primary known to
   * be down or hung costs no connect timeout. A refusal other than a connection error, or a
   * server's refusal of the session ({@link ClusterMonitor#refusesSession}), would be the same on
   * every host and is thrown at once: the vendor's exception itself. Never opens a second
   * connection.
   */
  PhysicalConnection openFirst() throws SQLException {
    SQLException first = null;
    StringBuilder errors = new StringBuilder();
    // Outside the loop: a provider's failure is this session's, not evidence against a host.
    Login login = spec.login();
    String password = login.password();
    for (int node : connectOrder(cluster.snapshot())) {
      try {
        PhysicalConnection pc = connect(node, login);
        // This session got in: its password is the one the monitor should probe with (a first
        // connection's wrong or missing password, or one rotated since, must not keep hosts DOWN
        // for everyone); hosts shown DOWN may be old news, so ask them again before routing.
        if (cluster.credentials.useCredentialsOf(spec)) {
          cluster.monitor.probeNow();
        }
        return pc;
      } catch (SQLException e) {
        // A server that answered and refused this session (wrong password, no password, an
        // authentication method the vendor driver does not support: 28xxx, 08004, ...) would refuse
        // it on every host: the vendor's own exception, its class kept, as the vendor driver alone
        // would throw it. Only an unreachable host is worth trying the next one for.
        if (!Errors.isConnectionError(e) || ClusterMonitor.refusesSession(e.getSQLState())) {
          throw Masking.scrubbed(e, password);
        }
        // Evidence for the monitor's probe, not a verdict.
        cluster.monitor.suspect(node, e.getSQLState());
        String message = Masking.scrub(e.getMessage(), password);
        errors.append(errors.length() == 0 ? "" : "; ").append(spec.hosts.get(node));
        errors.append(": ").append(message);
        first = first == null ? e : first;
      }
    }
    String state = first != null && first.getSQLState() != null ? first.getSQLState() : null;
    throw new SQLTransientConnectionException(
        "No host of "
            + spec
            + " accepts connections: "
            + errors
            + "; hosts: "
            + cluster.describeNodes(),
        state != null && state.startsWith("08") ? state : Errors.CONNECTION_FAILED,
        first);
  }

  /** The primary; then replicas the monitor saw answering; then the others; each in URL order. */
  static int[] connectOrder(ClusterSnapshot s) {
    int n = s.size();
    int[] order = new int[n];
    int k = 0;
    int primary = s.primary();
    if (primary >= 0) {
      order[k++] = primary;
    }
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < n; i++) {
        boolean up = s.status(i) == NodeStatus.PRIMARY || s.status(i) == NodeStatus.REPLICA;
        if (i != primary && up == (pass == 0)) {
          order[k++] = i;
        }
      }
    }
    return order;
  }

  /** The vendor connection to {@code node}, with the vendor's own failure. */
  private PhysicalConnection connect(int node, Login login) throws SQLException {
    Connection c = cluster.vendor.connect(spec.vendorUrl(spec.hosts.get(node)), login.properties());
    if (c == null) {
      throw Errors.unavailable(
          "The vendor driver refused the URL for " + spec.hosts.get(node), null);
    }
    return keep(node, c);
  }

  private PhysicalConnection keep(int node, Connection c) throws SQLException {
    PhysicalConnection pc;
    try {
      pc = new PhysicalConnection(node, c);
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
    slots[node] = pc;
    return pc;
  }

  private PhysicalConnection open(int node) throws SQLException {
    HostSpec host = spec.hosts.get(node);
    // Outside the try: a provider's failure is this session's, not evidence against the host.
    Login login = spec.login();
    Connection c;
    try {
      c = cluster.vendor.connect(spec.vendorUrl(host), login.properties());
    } catch (SQLException e) {
      String message = Masking.scrub(e.getMessage(), login.password());
      // Evidence for the monitor's probe, not a verdict; a wrong password is none at all.
      cluster.monitor.suspect(node, e.getSQLState());
      throw Errors.unavailable(
          "Cannot connect to " + host + ": " + message + "; hosts: " + cluster.describeNodes(), e);
    }
    if (c == null) {
      throw Errors.unavailable("The vendor driver refused the URL for " + host, null);
    }
    cluster.credentials.useCredentialsOf(spec);
    return keep(node, c);
  }

  /**
   * Gives the session's network timeout to every open vendor connection now: {@code isValid(0)} and
   * a statement on a connection opened earlier are bounded by it as on the vendor driver.
   */
  void applyNetworkTimeout(SessionState s) throws SQLException {
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        pc.applyNetworkTimeout(s);
      }
    }
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
   * False, with the dead vendor connection dropped, as soon as one open vendor connection does not
   * answer. The one holding the open transaction ({@code txNode}) or pinned state ({@code
   * pinnedNode}) is asked first, then the others while {@code timeout} seconds (0: no limit) last:
   * a pool's validation timeout bounds the whole call, not each vendor connection's.
   */
  boolean validate(int timeout, int txNode, int pinnedNode) throws SQLException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
    for (int pass = 0; pass < 2; pass++) {
      for (int i = 0; i < slots.length; i++) {
        boolean holds = i == txNode || i == pinnedNode;
        PhysicalConnection pc = slots[i];
        if (pc == null || holds != (pass == 0)) {
          continue;
        }
        int left = timeout == 0 ? 0 : secondsLeft(deadline);
        if (left < 0) {
          return true;
        }
        if (!pc.connection.isValid(left)) {
          drop(i);
          return false;
        }
      }
    }
    return true;
  }

  /** Whole seconds until {@code deadline}, at least 1; -1 once it has passed. */
  private static int secondsLeft(long deadline) {
    long nanos = deadline - System.nanoTime();
    return nanos <= 0 ? -1 : (int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos));
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

  /** Closes every vendor connection, ignoring failures: they are lost already. */
  void closeQuietly() {
    for (int i = 0; i < slots.length; i++) {
      drop(i);
    }
  }

  /** True when the vendor connection of {@code txNode} or {@code pinnedNode} says it is closed. */
  boolean anyClosed(int txNode, int pinnedNode) {
    return closed(txNode) || closed(pinnedNode);
  }

  private boolean closed(int node) {
    PhysicalConnection pc = node < 0 ? null : slots[node];
    try {
      return pc != null && pc.connection.isClosed();
    } catch (SQLException e) {
      return true;
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

  /**
   * Clears every open vendor connection's warnings. One that broke (its server went away) has none
   * worth clearing and would throw 08003: pools call this on every return, after a commit that
   * succeeded on another host.
   */
  void clearWarnings() throws SQLException {
    for (PhysicalConnection pc : slots) {
      if (pc != null && !pc.connection.isClosed()) {
        pc.connection.clearWarnings();
      }
    }
  }
}
