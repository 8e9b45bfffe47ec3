package dev.lagwise.routing;

import java.util.Collection;

/**
 * An immutable set of lower-case names with an allocation-free lookup of a region of the SQL text.
 * Keys are stored lower-case; a lookup folds ASCII upper case unless the region was quoted.
 */
final class NameTable {
  private final String[] keys;
  private final char[][] keyChars;
  private final int[] hashes;
  private final int[] values;
  private final int shift;
  private final int size;

  NameTable(Collection<String> lowerCaseNames) {
    this(lowerCaseNames.toArray(new String[0]), null);
  }

  /** {@code ids[i]} is returned for {@code names[i]}; with {@code ids == null}, {@code i}. */
  NameTable(String[] names, int[] ids) {
    int cap = Integer.highestOneBit(Math.max(4, names.length * 3)) << 1;
    keys = new String[cap];
    keyChars = new char[cap][];
    hashes = new int[cap];
    values = new int[cap];
    shift = 32 - Integer.numberOfTrailingZeros(cap);
    int mask = cap - 1;
    int n = 0;
    for (int i = 0; i < names.length; i++) {
      String k = names[i];
      int h = hash(k.toCharArray(), 0, k.length(), false);
      int slot = spread(h);
      while (keys[slot] != null && !keys[slot].equals(k)) {
        slot = (slot + 1) & mask;
      }
      if (keys[slot] == null) {
        n++;
      }
      keys[slot] = k;
      keyChars[slot] = k.toCharArray();
      hashes[slot] = h;
      values[slot] = ids == null ? i : ids[i];
    }
    size = n;
  }

  /** Fibonacci hashing: the multiplier mixes the weak low bits of a 31-polynomial hash upward. */
  private int spread(int h) {
    return (h * 0x9E3779B9) >>> shift;
  }

  int size() {
    return size;
  }

  static int fold(char c) {
    return c >= 'A' && c <= 'Z' ? c | 32 : c;
  }

  static int hash(char[] s, int start, int end, boolean exact) {
    int h = 0;
    for (int i = start; i < end; i++) {
      char c = s[i];
      h = 31 * h + (exact ? c : fold(c));
    }
    return h;
  }

  /** Convenience for tests and set-up code: the region of a string. */
  boolean contains(String s, int start, int end, boolean exact) {
    return contains(s.toCharArray(), start, end, exact);
  }

  boolean containsQualified(String s, int qs, int qe, int ns, int ne) {
    return containsQualified(s.toCharArray(), qs, qe, ns, ne);
  }

  /** The value for the region {@code [start, end)} of {@code s}, or -1. */
  int get(char[] s, int start, int end, boolean exact) {
    return get(s, start, end, exact, hash(s, start, end, exact));
  }

  /** As {@link #get(String, int, int, boolean)} with the region's {@link #hash} given. */
  int get(char[] s, int start, int end, boolean exact, int hash) {
    int len = end - start;
    int mask = keys.length - 1;
    for (int slot = spread(hash); keys[slot] != null; slot = (slot + 1) & mask) {
      char[] k = keyChars[slot];
      if (hashes[slot] == hash && k.length == len && regionEquals(k, s, start, exact)) {
        return values[slot];
      }
    }
    return -1;
  }

  boolean contains(char[] s, int start, int end, boolean exact) {
    return get(s, start, end, exact) >= 0;
  }

  boolean contains(char[] s, int start, int end, boolean exact, int hash) {
    return get(s, start, end, exact, hash) >= 0;
  }

  /** Looks up {@code qualifier.name} without building the string. */
  boolean containsQualified(char[] s, int qs, int qe, int ns, int ne) {
    int h = hash(s, qs, qe, false);
    h = 31 * h + '.';
    for (int i = ns; i < ne; i++) {
      h = 31 * h + fold(s[i]);
    }
    int qLen = qe - qs;
    int len = qLen + 1 + ne - ns;
    int mask = keys.length - 1;
    for (int slot = spread(h); keys[slot] != null; slot = (slot + 1) & mask) {
      String k = keys[slot];
      if (hashes[slot] == h
          && k.length() == len
          && k.charAt(qLen) == '.'
          && prefixEquals(k, 0, s, qs, qLen)
          && prefixEquals(k, qLen + 1, s, ns, ne - ns)) {
        return true;
      }
    }
    return false;
  }

  private static boolean regionEquals(char[] k, char[] s, int start, boolean exact) {
    for (int i = 0, n = k.length; i < n; i++) {
      char c = s[start + i];
      if ((exact ? c : fold(c)) != k[i]) {
        return false;
      }
    }
    return true;
  }

  private static boolean prefixEquals(String k, int ko, char[] s, int start, int len) {
    for (int i = 0; i < len; i++) {
      if (fold(s[start + i]) != k.charAt(ko + i)) {
        return false;
      }
    }
    return true;
  }
}
