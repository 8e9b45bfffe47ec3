package dev.lagwise.jdbc;

import dev.lagwise.LagwiseProperty;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.StringJoiner;

/**
 * Lagwise's properties, parsed once and validated loudly; the hot path reads these fields, never
 * {@link java.util.Properties}.
 */
final class Settings {

  enum LoadBalance {
    ROUND_ROBIN,
    LEAST_IN_FLIGHT
  }

  enum Consistency {
    CAUSAL,
    SESSION,
    NONE
  }

  final LoadBalance loadBalance;
  final Consistency consistency;
  final boolean observedCapture;
  final Duration waitForReplica;
  final Duration maxLag;
  final boolean primaryLossReads;
  final List<String> replicaSafeFunctions;
  final boolean catalogFunctions;
  final Duration pollInterval;
  final Duration probeTimeout;
  final Duration clusterIdleTimeout;

  /** A {@code dev.lagwise.CredentialsProvider} class name; empty when none. */
  final String credentialsProvider;

  /** Every property's value as given or defaulted, for messages and {@link #conflict}. */
  private final Map<LagwiseProperty, String> values;

  /** The properties the application gave (URL or {@code Properties}), defaults excluded. */
  private final Set<LagwiseProperty> given;

  private Settings(Map<LagwiseProperty, String> v, Set<LagwiseProperty> given) throws SQLException {
    this.values = v;
    this.given = given;
    loadBalance =
        choice(LagwiseProperty.LOAD_BALANCE, v).equals("round-robin")
            ? LoadBalance.ROUND_ROBIN
            : LoadBalance.LEAST_IN_FLIGHT;
    consistency =
        Consistency.valueOf(choice(LagwiseProperty.CONSISTENCY, v).toUpperCase(Locale.ROOT));
    observedCapture = choice(LagwiseProperty.CAPTURE, v).equals("observed");
    waitForReplica = duration(LagwiseProperty.WAIT_FOR_REPLICA, v);
    maxLag = duration(LagwiseProperty.MAX_LAG, v);
    primaryLossReads = choice(LagwiseProperty.PRIMARY_LOSS_READS, v).equals("continue");
    replicaSafeFunctions = list(v.get(LagwiseProperty.REPLICA_SAFE_FUNCTIONS));
    catalogFunctions = bool(LagwiseProperty.CATALOG_FUNCTIONS, v);
    pollInterval = positive(LagwiseProperty.POLL_INTERVAL, v);
    probeTimeout = positive(LagwiseProperty.PROBE_TIMEOUT, v);
    clusterIdleTimeout = duration(LagwiseProperty.CLUSTER_IDLE_TIMEOUT, v);
    credentialsProvider = className(LagwiseProperty.CREDENTIALS_PROVIDER, v);
  }

  /**
   * Null when these settings, a later connection's, agree with {@code inForce}, the settings of the
   * cluster it joins; else the error that refuses it. Only a {@link LagwiseProperty#clusterWide()}
   * property the later connection gives itself counts: leaving it out means "whatever the cluster
   * has", giving it means wanting that value, and silently running with another would hide a
   * misconfiguration (a second data source's longer probe timeout that never applies). Values are
   * compared parsed ({@code 1s} equals {@code 1000ms}).
   */
  SQLException conflict(Settings inForce, String cluster) {
    for (LagwiseProperty p : given) {
      if (p.clusterWide() && !parsed(p).equals(inForce.parsed(p))) {
        return Errors.invalid(
            p.key()
                + "="
                + values.get(p)
                + " conflicts with "
                + p.key()
                + "="
                + inForce.values.get(p)
                + " in force for "
                + cluster
                + ": it is a cluster-wide property, and the value of the first connection to the"
                + " cluster in this JVM is in force until the cluster closes (lagwise."
                + "clusterIdleTimeout after its last connection). Give the same value or leave it"
                + " out.");
      }
    }
    return null;
  }

  private Object parsed(LagwiseProperty p) {
    switch (p) {
      case POLL_INTERVAL:
        return pollInterval;
      case PROBE_TIMEOUT:
        return probeTimeout;
      case CLUSTER_IDLE_TIMEOUT:
        return clusterIdleTimeout;
      default:
        return values.get(p);
    }
  }

  static Settings defaults() {
    try {
      return parse(Map.of());
    } catch (SQLException e) {
      throw new AssertionError("a default value is invalid", e);
    }
  }

  /** Parses {@code lagwise.*} keys to values; any other key under the prefix is an error. */
  static Settings parse(Map<String, String> raw) throws SQLException {
    Map<LagwiseProperty, String> values = new EnumMap<>(LagwiseProperty.class);
    Set<LagwiseProperty> given = EnumSet.noneOf(LagwiseProperty.class);
    for (LagwiseProperty p : LagwiseProperty.values()) {
      values.put(p, p.defaultValue());
    }
    for (Map.Entry<String, String> e : raw.entrySet()) {
      LagwiseProperty p = LagwiseProperty.forKey(e.getKey());
      if (p == null) {
        StringJoiner known = new StringJoiner(", ");
        for (LagwiseProperty k : LagwiseProperty.values()) {
          known.add(k.key());
        }
        throw Errors.invalid(
            "Unknown Lagwise property '" + e.getKey() + "'; known properties: " + known);
      }
      values.put(p, e.getValue() == null ? "" : e.getValue().trim());
      given.add(p);
    }
    return new Settings(values, given);
  }

  private static String choice(LagwiseProperty p, Map<LagwiseProperty, String> v)
      throws SQLException {
    String value = v.get(p).toLowerCase(Locale.ROOT);
    if (!p.choices().contains(value)) {
      throw bad(p, v.get(p), "one of " + String.join(", ", p.choices()));
    }
    return value;
  }

  private static boolean bool(LagwiseProperty p, Map<LagwiseProperty, String> v)
      throws SQLException {
    String value = v.get(p).toLowerCase(Locale.ROOT);
    if (!value.equals("true") && !value.equals("false")) {
      throw bad(p, v.get(p), "true or false");
    }
    return value.equals("true");
  }

  private static Duration positive(LagwiseProperty p, Map<LagwiseProperty, String> v)
      throws SQLException {
    Duration d = duration(p, v);
    if (d.isZero()) {
      throw bad(p, v.get(p), "a duration greater than zero");
    }
    return d;
  }

  /** Accepts {@code <digits><unit>} with unit ms, s, m or h; nothing else. */
  static Duration duration(LagwiseProperty p, Map<LagwiseProperty, String> v) throws SQLException {
    String value = v.get(p);
    Duration d = parseDuration(value);
    if (d == null) {
      throw bad(p, value, "a duration such as 200ms, 2s, 1m or 1h");
    }
    return d;
  }

  static Duration parseDuration(String value) {
    int i = 0;
    long n = 0;
    while (i < value.length() && value.charAt(i) >= '0' && value.charAt(i) <= '9') {
      n = n * 10 + (value.charAt(i++) - '0');
      if (n > 1_000_000_000L) {
        return null;
      }
    }
    if (i == 0) {
      return null;
    }
    switch (value.substring(i).toLowerCase(Locale.ROOT)) {
      case "ms":
        return Duration.ofMillis(n);
      case "s":
        return Duration.ofSeconds(n);
      case "m":
        return Duration.ofMinutes(n);
      case "h":
        return Duration.ofHours(n);
      default:
        return null;
    }
  }

  /** Empty, or a syntactically valid binary class name; whether it loads is checked on use. */
  private static String className(LagwiseProperty p, Map<LagwiseProperty, String> v)
      throws SQLException {
    String value = v.get(p);
    for (String part : value.split("\\.", -1)) {
      if (value.isEmpty()) {
        break;
      }
      boolean ok = !part.isEmpty() && Character.isJavaIdentifierStart(part.charAt(0));
      for (int i = 1; ok && i < part.length(); i++) {
        ok = Character.isJavaIdentifierPart(part.charAt(i));
      }
      if (!ok) {
        throw bad(p, value, "a class name such as com.example.VaultCredentials");
      }
    }
    return value;
  }

  private static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    for (String s : value.split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim().toLowerCase(Locale.ROOT));
      }
    }
    return List.copyOf(out);
  }

  private static SQLException bad(LagwiseProperty p, String value, String expected) {
    return Errors.invalid(
        "Invalid value '" + value + "' for " + p.key() + ": expected " + expected);
  }
}
