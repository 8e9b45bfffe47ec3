package dev.lagwise;

import dev.lagwise.routing.GtidState;
import dev.lagwise.routing.MariaDbGtidPosition;
import dev.lagwise.routing.MySqlGtidSet;
import java.util.Locale;
import java.util.Objects;

/**
 * A log position a read must see: a PostgreSQL WAL LSN ({@code pg:0/16B3748}), a MariaDB GTID
 * position over all its domains ({@code mariadb:0-1-1234,1-2-99}) or a MySQL GTID set ({@code
 * mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-42,...}). A replica satisfies a token when it has
 * replayed everything the token names (MariaDB: reached its sequence in every domain it names;
 * MySQL: executed every GTID in it). Tokens are partially ordered by {@link #covers}; {@link #max}
 * is the least token that covers both.
 *
 * <p>{@link #toString()} and {@link #parse(String)} round-trip, so a token can travel in an HTTP
 * header or a message to another application server. A parsed token is untrusted: the connection
 * that receives it clamps it to the primary's position, so a forged one can at worst turn reads
 * into primary reads.
 */
public final class ConsistencyToken {

  /**
   * Longest text {@link #parse} reads; anything longer is rejected before it is looked at, with an
   * error naming the limit (never cut). PostgreSQL and MariaDB tokens stay far below it; a MySQL
   * set reaches it only with about fifty sources (server UUIDs) in {@code gtid_executed}.
   */
  public static final int MAX_LENGTH = 4096;

  private final String engine;
  private final long position;
  private final GtidState gtid;

  private ConsistencyToken(String engine, long position, GtidState gtid) {
    this.engine = engine;
    this.position = position;
    this.gtid = gtid;
  }

  /** A PostgreSQL token for a WAL position in bytes. */
  public static ConsistencyToken postgres(long lsn) {
    if (lsn < 0) {
      throw new IllegalArgumentException("negative log position " + lsn);
    }
    return new ConsistencyToken("pg", lsn, null);
  }

  /** A MariaDB ({@link MariaDbGtidPosition}) or MySQL ({@link MySqlGtidSet}) token. */
  public static ConsistencyToken of(GtidState state) {
    if (state instanceof MariaDbGtidPosition) {
      return new ConsistencyToken("mariadb", -1, state);
    }
    if (state instanceof MySqlGtidSet) {
      return new ConsistencyToken("mysql", -1, state);
    }
    throw new IllegalArgumentException("not a GTID state: " + state);
  }

  /**
   * Reads a token written by {@link #toString()}: {@code pg:<hex>/<hex>}, {@code
   * mariadb:<domain>-<server>-<sequence>[,...]} or {@code mysql:<uuid>:<interval>[:...][,...]}.
   * Strict: no spaces, no signs, at most {@link #MAX_LENGTH} characters.
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
      return new ConsistencyToken("pg", (high << 32) | low, null);
    }
    boolean mariadb = text.startsWith("mariadb:");
    if (mariadb || text.startsWith("mysql:")) {
      String body = text.substring(mariadb ? 8 : 6);
      for (int i = 0; i < body.length(); i++) {
        if (body.charAt(i) <= ' ') {
          throw bad(text, "no spaces or line breaks");
        }
      }
      if (body.isEmpty()) {
        throw bad(text, "an empty position");
      }
      try {
        GtidState state = mariadb ? MariaDbGtidPosition.parse(body) : MySqlGtidSet.parse(body);
        if (state.isEmpty()) {
          throw bad(text, "an empty position");
        }
        return of(state);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "invalid consistency token" + quoted(text) + ": " + e.getMessage(), e);
      }
    }
    throw bad(
        text,
        "expected pg:<hex>/<hex>, mariadb:<domain>-<server>-<sequence>,... or"
            + " mysql:<uuid>:<from>-<to>,...");
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

  private static IllegalArgumentException bad(String text, String expected) {
    return new IllegalArgumentException(
        "invalid consistency token" + quoted(text) + ": " + expected);
  }

  private static String quoted(String text) {
    return text.length() <= 64 ? " '" + text + "'" : " (" + text.length() + " characters)";
  }

  /** {@code pg}, {@code mariadb} or {@code mysql}. */
  public String engine() {
    return engine;
  }

  /** A PostgreSQL token's WAL position in bytes; -1 for a GTID token. */
  public long position() {
    return position;
  }

  /** A MariaDB or MySQL token's GTID state; null for a PostgreSQL token. */
  public GtidState gtid() {
    return gtid;
  }

  /**
   * True when a replica that satisfies this token also satisfies {@code other}.
   *
   * @throws IllegalArgumentException for tokens of different engines
   */
  public boolean covers(ConsistencyToken other) {
    sameEngine(other);
    return gtid == null ? position >= other.position : gtid.covers(other.gtid);
  }

  /**
   * The least token that covers both (the later of two PostgreSQL tokens, the union of two GTID
   * states); null counts as no requirement.
   *
   * @throws IllegalArgumentException for tokens of different engines
   */
  public ConsistencyToken max(ConsistencyToken other) {
    if (other == null || covers(other)) {
      return this;
    }
    if (other.covers(this)) {
      return other;
    }
    return of(gtid.join(other.gtid));
  }

  private void sameEngine(ConsistencyToken other) {
    if (!engine.equals(other.engine)) {
      throw new IllegalArgumentException(
          "cannot compare a " + engine + " token with a " + other.engine + " token");
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ConsistencyToken
        && ((ConsistencyToken) o).engine.equals(engine)
        && ((ConsistencyToken) o).position == position
        && Objects.equals(((ConsistencyToken) o).gtid, gtid);
  }

  @Override
  public int hashCode() {
    return (engine.hashCode() * 31 + Long.hashCode(position)) * 31 + Objects.hashCode(gtid);
  }

  @Override
  public String toString() {
    if (gtid != null) {
      return engine + ":" + gtid;
    }
    return "pg:"
        + Long.toHexString(position >>> 32).toUpperCase(Locale.ROOT)
        + "/"
        + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(Locale.ROOT);
  }
}
