package dev.lagwise;

import java.util.Locale;

/**
 * A log position a read must see: PostgreSQL WAL LSN ({@code pg:0/16B3748}) or MariaDB GTID
 * sequence in domain 0 ({@code mariadb:0-1-1234}). A replica satisfies a token when it has replayed
 * at least that far. Tokens are ordered; a later token is only stricter.
 *
 * <p>{@link #toString()} and {@link #parse(String)} round-trip, so a token can travel in an HTTP
 * header or a message to another application server. A parsed token is untrusted: the connection
 * that receives it clamps it to the primary's position, so a forged one can at worst turn reads
 * into primary reads.
 */
public final class ConsistencyToken implements Comparable<ConsistencyToken> {

  /** Longest text {@link #parse} reads; anything longer is rejected before it is looked at. */
  public static final int MAX_LENGTH = 64;

  private final String engine;
  private final long position;

  private ConsistencyToken(String engine, long position) {
    this.engine = engine;
    this.position = position;
  }

  /** A PostgreSQL token for a WAL position in bytes. */
  public static ConsistencyToken postgres(long lsn) {
    return new ConsistencyToken("pg", check(lsn));
  }

  /** A MariaDB token for a GTID sequence number in domain 0. */
  public static ConsistencyToken mariadb(long sequence) {
    return new ConsistencyToken("mariadb", check(sequence));
  }

  private static long check(long position) {
    if (position < 0) {
      throw new IllegalArgumentException("negative log position " + position);
    }
    return position;
  }

  /**
   * Reads a token written by {@link #toString()}: {@code pg:<hex>/<hex>} or {@code
   * mariadb:0-<server>-<sequence>}. Strict: no spaces, no signs, at most {@link #MAX_LENGTH}
   * characters.
   *
   * @throws IllegalArgumentException naming what is wrong (the text is quoted only when short)
   */
  public static ConsistencyToken parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException("consistency token is null");
    }
    if (text.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "consistency token too long: " + text.length() + " characters, at most " + MAX_LENGTH);
    }
    if (text.startsWith("pg:")) {
      int slash = text.indexOf('/', 3);
      if (slash < 0) {
        throw bad(text, "expected pg:<hex>/<hex>");
      }
      long high = hex(text, 3, slash);
      long low = hex(text, slash + 1, text.length());
      if (high < 0 || low < 0 || high > 0x7FFFFFFFL) {
        throw bad(text, "expected pg:<hex>/<hex> with at most 8 hex digits each");
      }
      return new ConsistencyToken("pg", (high << 32) | low);
    }
    if (text.startsWith("mariadb:0-")) {
      int dash = text.indexOf('-', 10);
      if (dash < 0 || decimal(text, 10, dash) < 0) {
        throw bad(text, "expected mariadb:0-<server>-<sequence>");
      }
      long sequence = decimal(text, dash + 1, text.length());
      if (sequence < 0) {
        throw bad(text, "expected mariadb:0-<server>-<sequence>");
      }
      return new ConsistencyToken("mariadb", sequence);
    }
    throw bad(text, "expected pg:<hex>/<hex> or mariadb:0-<server>-<sequence>");
  }

  private static long hex(String s, int from, int to) {
    if (to - from < 1 || to - from > 8) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      int d = Character.digit(s.charAt(i), 16);
      if (d < 0) {
        return -1;
      }
      v = v << 4 | d;
    }
    return v;
  }

  private static long decimal(String s, int from, int to) {
    if (to - from < 1 || to - from > 18) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      v = v * 10 + (c - '0');
    }
    return v;
  }

  private static IllegalArgumentException bad(String text, String expected) {
    return new IllegalArgumentException("invalid consistency token '" + text + "': " + expected);
  }

  /** {@code pg} or {@code mariadb}. */
  public String engine() {
    return engine;
  }

  /** The log position as a number: WAL bytes, or the GTID sequence. */
  public long position() {
    return position;
  }

  /** The later (stricter) of two tokens of the same engine; null counts as no requirement. */
  public ConsistencyToken max(ConsistencyToken other) {
    return other == null || compareTo(other) >= 0 ? this : other;
  }

  @Override
  public int compareTo(ConsistencyToken other) {
    if (!engine.equals(other.engine)) {
      throw new IllegalArgumentException(
          "cannot compare a " + engine + " token with a " + other.engine + " token");
    }
    return Long.compare(position, other.position);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsistencyToken
        && ((ConsistencyToken) o).engine.equals(engine)
        && ((ConsistencyToken) o).position == position;
  }

  @Override
  public int hashCode() {
    return engine.hashCode() * 31 + Long.hashCode(position);
  }

  @Override
  public String toString() {
    if (engine.equals("pg")) {
      return "pg:"
          + Long.toHexString(position >>> 32).toUpperCase(Locale.ROOT)
          + "/"
          + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
    }
    return "mariadb:0-0-" + position;
  }
}
