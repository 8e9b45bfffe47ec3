package dev.lagwise.jdbc;

import dev.lagwise.LagwiseProperty;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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

  private Settings(Map<LagwiseProperty, String> v) throws SQLException {
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
    }
    return new Settings(values);
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
