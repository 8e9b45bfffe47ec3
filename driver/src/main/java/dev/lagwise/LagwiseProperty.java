package dev.lagwise;

import java.util.List;
import java.util.Locale;

/**
 * Every Lagwise connection property. Each is written {@code lagwise.<name>} in the URL query or in
 * the {@link java.util.Properties} passed to the driver, and as the bean property {@code <name>} on
 * {@link LagwiseDataSource}. Everything that does not start with {@code lagwise.} belongs to the
 * vendor driver and is passed to it unchanged. {@code docs/configuration.md} is checked against
 * this enum by a test.
 */
public enum LagwiseProperty {
  LOAD_BALANCE(
      "loadBalance",
      Type.CHOICE,
      "round-robin",
      "How a read picks among eligible replicas. round-robin: each logical connection is given"
          + " the next replica in turn and keeps it while it stays eligible (one replica connection"
          + " per logical connection). least-in-flight: each read goes to the replica with the"
          + " fewest statements running from this JVM (may open a connection to every replica).",
      "round-robin",
      "least-in-flight"),
  MAX_LAG(
      "maxLag",
      Type.DURATION,
      "2s",
      "Bounded staleness: a read may use a replica only if the data there is at most this old."
          + " Lag is measured on this JVM's clock from the primary's and the replica's log"
          + " positions (never by comparing server clocks); a replica whose lag cannot be measured"
          + " (for instance while the primary is unreachable) counts as too far behind."),
  CONSISTENCY(
      "consistency",
      Type.CHOICE,
      "causal",
      "Read-your-writes scope. causal: every read sees every write committed through this cluster"
          + " in this JVM (safe for pooled applications with no code change). session: a"
          + " connection sees its own writes (more replica reads; not enough when a pool hands"
          + " the next request another connection). none: no read-your-writes, only maxLag."
          + " Explicit tokens (requireConsistency) and ConsistencyContext apply in every mode.",
      "causal",
      "session",
      "none"),
  CAPTURE(
      "capture",
      Type.CHOICE,
      "exact",
      "How a write's position is learned. exact: ask the primary right after the commit (one round"
          + " trip per writing transaction); reads can use a replica as soon as it has replayed"
          + " the write. observed: no extra round trip; the session's reads stay on the primary"
          + " until the monitor has sampled the primary after the write (requested at once) and a"
          + " replica has replayed that sample. A ConsistencyContext or consistencyToken() still"
          + " reads the exact position when it needs one.",
      "exact",
      "observed"),
  WAIT_FOR_REPLICA(
      "waitForReplica",
      Type.DURATION,
      "0ms",
      "When no replica satisfies a read's token and maxLag, wait up to this long for one to catch"
          + " up (it is probed at once) before sending the read to the primary. 0ms: go to the"
          + " primary at once."),
  PRIMARY_LOSS_READS(
      "primaryLossReads",
      Type.CHOICE,
      "continue",
      "While no primary is reachable. continue: plain reads go on on replicas that have replayed"
          + " everything the primary was last seen to have written (whatever maxLag says; their"
          + " data is as old as the outage, and counted as PRIMARY_UNREACHABLE); a read whose token"
          + " no replica has reached fails with SQLState 08001 (or waits, per waitForReplica)."
          + " fail: every read fails with 08001 until a primary is back. Writes fail with 08001"
          + " either way.",
      "continue",
      "fail"),
  REPLICA_SAFE_FUNCTIONS(
      "replicaSafeFunctions",
      Type.LIST,
      "",
      "Comma-separated function names (optionally schema-qualified) that you declare free of side"
          + " effects, so that a SELECT calling them may run on a replica. Built-in non-volatile"
          + " functions are already known."),
  CATALOG_FUNCTIONS(
      "catalogFunctions",
      Type.BOOLEAN,
      "true",
      "Ask the primary's catalog, once per cluster, for user functions declared STABLE or"
          + " IMMUTABLE and treat calls to them as replica-safe."),
  POLL_INTERVAL(
      "pollInterval",
      Type.DURATION,
      true,
      "100ms",
      "How often the cluster's monitor asks every host for its role and log position: one small"
          + " query per host per interval per JVM, however many connections. Lag is known to within"
          + " about one interval; a read that needs a newer position than any known triggers an"
          + " immediate probe instead of waiting for the next one."),
  PROBE_TIMEOUT(
      "probeTimeout",
      Type.DURATION,
      true,
      "2s",
      "Connect and socket timeout of the monitor's probes: a host that does not answer within it"
          + " is taken out of routing."),
  CLUSTER_IDLE_TIMEOUT(
      "clusterIdleTimeout",
      Type.DURATION,
      true,
      "5m",
      "How long a cluster's shared state (monitor, classifier cache, statistics and their MBean)"
          + " is kept in this JVM after its last connection closes. A connection within it reuses"
          + " what the monitor knows; after it, everything is released and the next connection"
          + " starts afresh, with the cluster-wide settings it gives."),
  CREDENTIALS_PROVIDER(
      "credentialsProvider",
      Type.CLASS,
      "",
      "Name of a class implementing dev.lagwise.CredentialsProvider (public, with a public"
          + " no-argument constructor; one instance per cluster) asked for the user and password of"
          + " every vendor connection this connection opens, and of the monitor's probes while it"
          + " is the latest connection that got in: for passwords that rotate (RDS IAM tokens,"
          + " Vault leases). Empty: the password given with the connection."
          + " LagwiseDataSource.setCredentials takes an instance instead.");

  /** Value types, used for validation and for the documentation table. */
  public enum Type {
    BOOLEAN,
    DURATION,
    CHOICE,
    LIST,
    CLASS
  }

  /** The prefix that marks a property as Lagwise's own. */
  public static final String PREFIX = "lagwise.";

  private final String name;
  private final Type type;
  private final String defaultValue;
  private final String description;
  private final List<String> choices;
  private final boolean clusterWide;

  LagwiseProperty(
      String name, Type type, String defaultValue, String description, String... choices) {
    this(name, type, false, defaultValue, description, choices);
  }

  LagwiseProperty(
      String name,
      Type type,
      boolean clusterWide,
      String defaultValue,
      String description,
      String... choices) {
    this.name = name;
    this.type = type;
    this.clusterWide = clusterWide;
    this.defaultValue = defaultValue;
    this.description = description;
    this.choices = List.of(choices);
  }

  /** The bean name, e.g. {@code maxLag}. */
  public String beanName() {
    return name;
  }

  /** The full key, e.g. {@code lagwise.maxLag}. */
  public String key() {
    return PREFIX + name;
  }

  public Type type() {
    return type;
  }

  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /**
   * True when the value belongs to the cluster (its monitor or classifier, shared by every
   * connection to the same hosts, database and user in this JVM): the first connection's value is
   * in force until the cluster is closed, and a later connection that gives another value is
   * refused with SQLState 22023. False: each connection has its own.
   */
  public boolean clusterWide() {
    return clusterWide;
  }

  /** Allowed values of a {@link Type#CHOICE} property; empty otherwise. */
  public List<String> choices() {
    return choices;
  }

  /** The property with this full key ({@code lagwise.maxLag}), or null. Case-sensitive. */
  public static LagwiseProperty forKey(String key) {
    for (LagwiseProperty p : values()) {
      if (p.key().equals(key)) {
        return p;
      }
    }
    return null;
  }

  @Override
  public String toString() {
    return key() + " (" + type.name().toLowerCase(Locale.ROOT) + ", default " + defaultValue + ")";
  }
}
