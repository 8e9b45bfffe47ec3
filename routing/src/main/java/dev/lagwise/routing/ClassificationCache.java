package dev.lagwise.routing;

import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What one {@link SqlClassifier} remembers, bounded in bytes as well as entries, because SQL texts
 * come from the application and one of them may be megabytes long.
 *
 * <p>Two stores, each with its bound:
 *
 * <ul>
 *   <li>Results by SQL text: at most {@link #MAX_ENTRIES} entries, only texts of at most {@link
 *       #MAX_CACHED_LENGTH} characters, and at most {@link #MAX_BYTES} accounted bytes. An entry is
 *       accounted as {@link #cost}: two bytes per character of the SQL and of the result's reason
 *       (an upper bound: compact strings use one for Latin-1) plus {@link #ENTRY_OVERHEAD} for the
 *       string and array headers, the map node, its table slot and the result object. Invariant:
 *       {@link #cacheBytes()} equals the sum of the costs of the entries present, and is at most
 *       {@code MAX_BYTES} whenever no insertion is in progress (an insertion evicts arbitrary
 *       entries, possibly its own, until both bounds hold). A hit is one {@code get}: no lock, no
 *       allocation.
 *   <li>SQL a replica rejected as a write ({@link SqlClassifier#markPrimaryOnly}): a 64-bit
 *       fingerprint, never the text, so a rejected statement of any length is remembered in {@link
 *       #PRIMARY_ONLY_ENTRY_BYTES}; at most {@link #MAX_PRIMARY_ONLY} of them (256 KiB). Two texts
 *       with one fingerprint make the other one go to the primary too: an error on the safe side.
 * </ul>
 *
 * So one classifier (one per cluster) retains at most 4 MiB + 256 KiB, whatever the application's
 * SQL looks like.
 */
final class ClassificationCache {
  static final int MAX_ENTRIES = 4096;
  static final int MAX_CACHED_LENGTH = 4096;
  static final long MAX_BYTES = 4L << 20;
  static final int ENTRY_OVERHEAD = 128;
  static final int MAX_PRIMARY_ONLY = 4096;
  static final int PRIMARY_ONLY_ENTRY_BYTES = 64;

  private final ConcurrentHashMap<String, Classification> results = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final Set<Long> primaryOnly = ConcurrentHashMap.newKeySet();

  /** The accounted size of an entry for {@code sql} with result {@code c}. */
  static long cost(String sql, Classification c) {
    return 2L * (sql.length() + c.reason().length()) + ENTRY_OVERHEAD;
  }

  Classification get(String sql) {
    return results.get(sql);
  }

  /**
   * Keeps {@code c} for {@code sql} unless the text is too long to be worth its memory (such a
   * statement is classified again at each execution; a {@code PreparedStatement} keeps its own).
   */
  void put(String sql, Classification c) {
    if (sql.length() > MAX_CACHED_LENGTH) {
      return;
    }
    Classification old = results.put(sql, c);
    // Each key's presence is bracketed by one add (here) and one subtraction (evictOne): a
    // replaced value of an equal key keeps the key, so only its reason's length may change.
    bytes.addAndGet(old == null ? cost(sql, c) : cost(sql, c) - cost(sql, old));
    while ((bytes.get() > MAX_BYTES || results.size() > MAX_ENTRIES) && evictOne()) {
      // Evict until both bounds hold.
    }
  }

  private boolean evictOne() {
    Iterator<String> it = results.keySet().iterator();
    if (!it.hasNext()) {
      return false;
    }
    String victim = it.next();
    Classification removed = results.remove(victim);
    if (removed != null) {
      bytes.addAndGet(-cost(victim, removed));
    }
    return true;
  }

  /** True when a replica rejected {@code sql} (or a text with its fingerprint) as a write. */
  boolean isPrimaryOnly(String sql) {
    return !primaryOnly.isEmpty() && primaryOnly.contains(fingerprint(sql));
  }

  void markPrimaryOnly(String sql) {
    Long f = fingerprint(sql);
    if (primaryOnly.size() >= MAX_PRIMARY_ONLY && !primaryOnly.contains(f)) {
      Iterator<Long> it = primaryOnly.iterator();
      if (it.hasNext()) {
        primaryOnly.remove(it.next());
      }
    }
    primaryOnly.add(f);
  }

  /**
   * {@link String#hashCode()} (cached by the string) in the high half, an independent polynomial
   * hash mixed with the length in the low half.
   */
  static long fingerprint(String sql) {
    int h = 0x9E3779B9 ^ sql.length();
    for (int i = 0; i < sql.length(); i++) {
      h = (h ^ sql.charAt(i)) * 0x01000193;
    }
    return ((long) sql.hashCode() << 32) | (h & 0xFFFFFFFFL);
  }

  int size() {
    return results.size();
  }

  /** Accounted bytes of the results by SQL text. */
  long cacheBytes() {
    return bytes.get();
  }

  /** Accounted bytes of the remembered primary-only SQL. */
  long primaryOnlyBytes() {
    return (long) primaryOnly.size() * PRIMARY_ONLY_ENTRY_BYTES;
  }
}
