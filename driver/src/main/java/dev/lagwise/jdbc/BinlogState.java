package dev.lagwise.jdbc;

import java.sql.SQLException;
import java.util.Arrays;

/**
 * A MariaDB {@code @@gtid_binlog_state}: the last sequence number of every (domain, server) pair
 * ever written to a host's binary log, the only place a host's GTIDs keep their server ids (a
 * position keeps one GTID per domain).
 *
 * <p>Divergence ({@link #hasOwnBeyond}): a replica has transactions its primary lacks when its
 * state has, for a server other than the primary, a sequence beyond what the primary's state has
 * for that (domain, server) pair. Such a GTID did not come from the primary: the replica wrote it
 * while writable, or kept it from an old primary whose last transactions the new primary never
 * received. Transactions written by the primary itself are not compared: a replica may have
 * replayed some that the primary's last probe had not yet shown. States are probed at different
 * times, but a primary's pairs of other servers do not grow while it is the primary (it replicates
 * from nobody), so a later replica probe cannot legitimately exceed them; under multi-source
 * replication into the primary they can, and the replica is then taken as diverged until the
 * primary's next probe: the safe side. Not detected: a replica without a binary log (its local
 * writes carry no GTID), and writes made with {@code sql_log_bin=0}.
 */
final class BinlogState {

  static final BinlogState EMPTY = new BinlogState(new long[0]);

  /** (domain, server, seq) triples, in the server's order. */
  private final long[] triples;

  private BinlogState(long[] triples) {
    this.triples = triples;
  }

  /** Parses {@code domain-server-seq} entries separated by commas; null or blank is empty. */
  static BinlogState parse(String text) throws SQLException {
    if (text == null || text.isBlank()) {
      return EMPTY;
    }
    String[] entries = text.split(",");
    long[] t = new long[entries.length * 3];
    for (int i = 0; i < entries.length; i++) {
      String[] parts = entries[i].trim().split("-");
      if (parts.length != 3) {
        throw unexpected(text);
      }
      try {
        for (int k = 0; k < 3; k++) {
          t[i * 3 + k] = Long.parseUnsignedLong(parts[k]);
        }
      } catch (NumberFormatException e) {
        throw unexpected(text);
      }
    }
    return new BinlogState(t);
  }

  private static SQLException unexpected(String text) {
    return new SQLException("unexpected @@gtid_binlog_state from the server: " + text, "XX000");
  }

  /** The last sequence of {@code (domain, server)} in this state, 0 when it has none. */
  long seq(long domain, long server) {
    for (int i = 0; i < triples.length; i += 3) {
      if (triples[i] == domain && triples[i + 1] == server) {
        return triples[i + 2];
      }
    }
    return 0;
  }

  /**
   * True when this (a replica's) state has a GTID of a server other than {@code primaryServer}
   * beyond {@code primary}'s state: the class comment's divergence.
   */
  boolean hasOwnBeyond(BinlogState primary, long primaryServer) {
    for (int i = 0; i < triples.length; i += 3) {
      if (triples[i + 1] != primaryServer
          && Long.compareUnsigned(triples[i + 2], primary.seq(triples[i], triples[i + 1])) > 0) {
        return true;
      }
    }
    return false;
  }

  @Override
  public String toString() {
    return Arrays.toString(triples);
  }
}
