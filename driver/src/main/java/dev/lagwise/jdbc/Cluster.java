package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseStats;
import dev.lagwise.monitor.ClusterMonitor;
import dev.lagwise.monitor.ClusterSnapshot;
import dev.lagwise.monitor.NodeStatus;
import dev.lagwise.routing.Router;
import dev.lagwise.routing.SessionPositions;
import dev.lagwise.routing.SharedPositions;
import dev.lagwise.routing.SqlClassifier;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What every connection to one cluster shares in this JVM: the vendor driver, the monitor that
 * knows each host's role, the classifiers (one per set of safe functions in use), and the
 * balancer's counters. Reference counted: {@link ClusterRegistry} retires it after {@code
 * lagwise.clusterIdleTimeout} without connections.
 *
 * <p>Transitions, all under this object's lock: in use ({@code users > 0}) -> idle (the last {@link
 * #release()}, which stops the monitor's probes and tells the registry) -> in use again ({@link
 * #tryAcquire()}) or retired ({@link #retireIfIdle}, once idle for the timeout; final: {@code
 * tryAcquire} fails and the registry makes a new cluster).
 */
final class Cluster {

  final ConnectionSpec spec;
  final Driver vendor;

  /** Makes this cluster's connections and statements (with the vendor's extension interfaces). */
  final VendorTypes types;

  final ClusterMonitor monitor;

  /**
   * Classifiers by the settings that shape them ({@link #classifierKey}): connections with other
   * {@code replicaSafeFunctions} or {@code catalogFunctions} get their own, at most {@link
   * #MAX_CLASSIFIERS} per cluster (each bounded in bytes by its cache).
   */
  private final ConcurrentHashMap<List<String>, SqlClassifier> classifiers =
      new ConcurrentHashMap<>();

  static final int MAX_CLASSIFIERS = 8;

  /** User functions the catalog declares STABLE or IMMUTABLE; asked once, null until then. */
  private volatile List<String> catalog;

  final List<String> hostNames;

  /** The JVM-wide causal position and the balancer's counters, shared by every router. */
  final SharedPositions shared;

  /** How this cluster's positions are read, compared and turned into tokens. */
  final Positions positions;

  /** The thread-bound consistency context, as positions of this cluster. */
  final ContextBinding context;

  /** Statements by reason and host, for {@link #stats()} and the cluster's MBean. */
  final RoutingCounters counters;

  /** What the monitor's probes log in with (the latest connection's credentials). */
  final ProbeCredentials credentials;

  /** Logical connections holding this cluster; guarded by this. */
  private int users = 1;

  /** When {@link #users} last fell to 0; guarded by this. */
  private long idleSince;

  /** Guarded by this; final once true. */
  private boolean retired;

  private final long idleNanos;

  /** The MBean's name, or null when it could not be registered. */
  private final javax.management.ObjectName mbean;

  Cluster(ConnectionSpec spec) throws SQLException {
    this.spec = spec;
    // Before the monitor's first probe, which needs them.
    this.credentials = new ProbeCredentials(spec);
    this.vendor = VendorDrivers.find(spec.vendorUrl(spec.hosts.get(0)));
    this.types = VendorTypes.forDriver(spec.dialect, vendor);
    List<String> names = new ArrayList<>();
    for (HostSpec h : spec.hosts) {
      names.add(h.toString());
    }
    this.hostNames = List.copyOf(names);
    this.shared = new SharedPositions(names.size());
    this.positions = spec.dialect.newPositions();
    this.context = new ContextBinding(positions);
    this.counters = new RoutingCounters(spec.hosts);
    String probeQuery = probeQuery(spec);
    this.monitor =
        new ClusterMonitor(
            spec.toString(),
            hostNames,
            positions.probe(),
            node ->
                vendor.connect(
                    spec.vendorUrl(spec.hosts.get(node), probeQuery), credentials.properties()),
            spec.settings.pollInterval,
            spec.settings.probeTimeout,
            System::nanoTime);
    // The creator's reference: the first probe round runs now, before any statement.
    monitor.acquire();
    this.idleNanos = spec.settings.clusterIdleTimeout.toNanos();
    classifier(spec.settings);
    this.mbean = ClusterStats.register(this);
  }

  /**
   * The classifier of connections with settings {@code s}; use {@link #admitClassifier} first where
   * a refusal can be thrown.
   */
  SqlClassifier classifier(Settings s) {
    return classifiers.computeIfAbsent(classifierKey(s), k -> buildClassifier(s));
  }

  /**
   * Refuses a connection that would need a classifier beyond {@link #MAX_CLASSIFIERS}: each may
   * retain 4 MiB. Racing connects may exceed it by their number, not more.
   */
  void admitClassifier(Settings s) throws SQLException {
    if (classifiers.size() >= MAX_CLASSIFIERS && !classifiers.containsKey(classifierKey(s))) {
      throw Errors.invalid(
          "Connections to "
              + spec
              + " use "
              + MAX_CLASSIFIERS
              + " different combinations of lagwise.replicaSafeFunctions and"
              + " lagwise.catalogFunctions already, the most one cluster keeps a classifier for;"
              + " this one gives replicaSafeFunctions="
              + String.join(",", s.replicaSafeFunctions)
              + " catalogFunctions="
              + s.catalogFunctions);
    }
  }

  /** Whether the catalog is asked, then the safe functions sorted: equal for equal meaning. */
  private static List<String> classifierKey(Settings s) {
    List<String> key = new ArrayList<>();
    key.add(Boolean.toString(s.catalogFunctions));
    key.addAll(new java.util.TreeSet<>(s.replicaSafeFunctions));
    return key;
  }

  private SqlClassifier buildClassifier(Settings s) {
    List<String> safe = new ArrayList<>(s.replicaSafeFunctions);
    if (s.catalogFunctions && spec.dialect == Dialect.POSTGRESQL) {
      List<String> known = catalog;
      if (known == null) {
        known = catalogFunctions();
        catalog = known;
      }
      safe.addAll(known);
    }
    SqlClassifier base = SqlClassifier.forDialect(spec.dialect.scheme);
    return safe.isEmpty() ? base : base.withSafeFunctions(safe);
  }

  /**
   * User functions the catalog declares STABLE or IMMUTABLE. Such a function may still write (the
   * declaration is a promise the server does not check), which is why this can be switched off.
   * Asked once; a function created later is unknown and its calls go to the primary.
   */
  private List<String> catalogFunctions() {
    List<String> names = new ArrayList<>();
    int node = monitor.snapshot().primary();
    if (node < 0) {
      return names;
    }
    String url = spec.vendorUrl(spec.hosts.get(node), probeQuery(spec));
    try (Connection c = vendor.connect(url, credentials.properties());
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n.nspname, p.proname FROM pg_proc p JOIN pg_namespace n ON"
                    + " n.oid = p.pronamespace WHERE p.provolatile IN ('s', 'i') AND n.nspname"
                    + " NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE"
                    + " 'pg_toast%'")) {
      while (rs.next()) {
        names.add(rs.getString(1) + "." + rs.getString(2));
        names.add(rs.getString(2));
      }
    } catch (SQLException e) {
      // Without the catalog, calls to user functions simply go to the primary.
    }
    return names;
  }

  /**
   * Short timeouts and a name for the monitor's own connections, appended to the URL so that they
   * win over whatever the application's URL says (its {@code socketTimeout=0} must not let a hung
   * host hang the monitor, its {@code ApplicationName} must not be worn by our probes, its {@code
   * options} are replaced).
   */
  private static String probeQuery(ConnectionSpec spec) {
    long millis = spec.settings.probeTimeout.toMillis();
    if (spec.dialect == Dialect.POSTGRESQL) {
      String seconds = Long.toString(Math.max(1, (millis + 999) / 1000));
      return "connectTimeout="
          + seconds
          + "&socketTimeout="
          + seconds
          + "&loginTimeout="
          + seconds
          + "&ApplicationName=lagwise-monitor"
          // A serializable default (server, database or role setting) makes a hot standby refuse
          // every query: the probes run at read committed, whatever the login's default.
          + "&options=-c%20default_transaction_isolation%3Dread%5C%20committed";
    }
    return "connectTimeout=" + millis + "&socketTimeout=" + millis;
  }

  /**
   * The router of a new logical connection with {@code spec}'s settings (connections of one cluster
   * may differ in them), sharing this cluster's monitor, positions and counters.
   */
  Router newRouter(ConnectionSpec spec) {
    Settings settings = spec.settings;
    SessionPositions positions =
        new SessionPositions(
            monitor,
            shared,
            context,
            System::nanoTime,
            SessionPositions.Scope.valueOf(settings.consistency.name()),
            settings.observedCapture,
            settings.probeTimeout.toNanos(),
            settings.primaryLossReads);
    return new Router(
        monitor,
        shared,
        positions,
        System::nanoTime,
        spec.dialect.routing,
        counters,
        describer,
        settings.loadBalance == Settings.LoadBalance.LEAST_IN_FLIGHT,
        settings.maxLag.toNanos(),
        settings.waitForReplica.toNanos(),
        settings.primaryLossReads);
  }

  LagwiseStats stats() {
    return StatsSnapshot.of(this);
  }

  ClusterSnapshot snapshot() {
    return monitor.snapshot();
  }

  /** True when the last probe of some host found it answering as primary or replica. */
  boolean isDown(int node) {
    return monitor.snapshot().status(node) == NodeStatus.DOWN;
  }

  boolean anyNodeUp() {
    ClusterSnapshot s = monitor.snapshot();
    for (int i = 0; i < s.size(); i++) {
      if (s.status(i) == NodeStatus.PRIMARY || s.status(i) == NodeStatus.REPLICA) {
        return true;
      }
    }
    return false;
  }

  /** One more connection holds this cluster; false once it is retired. */
  boolean tryAcquire() {
    synchronized (this) {
      if (retired) {
        return false;
      }
      users++;
    }
    monitor.acquire();
    return true;
  }

  /** A connection that held this cluster is done with it. */
  void release() {
    monitor.release();
    boolean idle;
    synchronized (this) {
      idle = users > 0 && --users == 0;
      if (idle) {
        idleSince = System.nanoTime();
      }
    }
    if (idle) {
      ClusterRegistry.idle(this);
    }
  }

  /**
   * Retires this cluster if it has been idle for the idle timeout at {@code now}: 0 when it just
   * did (the caller removes and {@link #close}s it); else nanoseconds until it would, or -1 when it
   * is in use or already retired.
   */
  synchronized long retireIfIdle(long now) {
    if (retired || users > 0) {
      return -1;
    }
    long left = idleSince + idleNanos - now;
    if (left > 0) {
      return left;
    }
    retired = true;
    return 0;
  }

  /** Releases what a retired cluster holds: the monitor's threads and connections, the MBean. */
  void close() {
    monitor.close();
    ClusterStats.unregister(mbean);
  }

  /** Words for routing's errors: {@link #describeNodes()}, positions as tokens. */
  private final Router.Describer describer =
      new Router.Describer() {
        @Override
        public String hosts() {
          return describeNodes();
        }

        @Override
        public String position(long position) {
          ConsistencyToken t = positions.token(position);
          return t == null ? "position " + position : t.toString();
        }
      };

  /**
   * Each host with its status, position, lag and last error, for messages when a statement cannot
   * run; while no primary is up, when it was last seen.
   */
  String describeNodes() {
    ClusterSnapshot s = monitor.snapshot();
    long now = System.nanoTime();
    StringBuilder b = new StringBuilder();
    if (s.primary() < 0 && s.primarySentNanos() != Long.MIN_VALUE) {
      b.append("the primary was last seen ")
          .append((now - s.primarySentNanos()) / 1_000_000)
          .append(" ms ago at ")
          .append(describer.position(s.primaryPosition()))
          .append("; ");
    }
    for (int i = 0; i < hostNames.size(); i++) {
      b.append(i > 0 ? "; " : "").append(hostNames.get(i)).append(' ').append(s.status(i));
      if (s.status(i) == NodeStatus.REPLICA) {
        long lag = s.lagNanos(i, now);
        b.append(lag < 0 ? " lag unknown" : " lag " + lag / 1_000_000 + "ms");
        if (s.position(i) >= 0) {
          b.append(" at ").append(describer.position(s.position(i)));
        }
        if (!s.healthy(i)) {
          b.append(" (replication stopped or broken)");
        }
      }
      if (s.status(i) == NodeStatus.DIVERGED) {
        b.append(" (").append(s.divergence(i)).append(')');
      }
      if (s.error(i) != null) {
        b.append(" (").append(Masking.scrub(s.error(i), spec.password())).append(')');
      }
    }
    return b.toString();
  }
}
