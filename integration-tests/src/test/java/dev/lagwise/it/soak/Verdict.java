package dev.lagwise.it.soak;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The soak's end: what the final primary holds, read through direct vendor connections, against
 * what the workers saw (acknowledged ids, transactions whose commit or statements failed, their
 * counters), and what the old primary holds that the final one lacks.
 */
final class Verdict {

  long acknowledged;
  long lost;
  long doubtful;
  long unknown;
  long doubtfulPresent;
  long torn;
  long failedYetCommitted;
  long countersOff;
  long failedBeforeCommit;
  long failedBeforeCommitPresent;
  final List<String> counterDetails = new ArrayList<>();

  /** Rows on the old primary (started again at the end) that the final primary lacks. */
  long onlyOnOldPrimary = -1;

  /** What the final primary holds compared with what the workers saw. */
  static Verdict check(Cluster cluster, Worker[] workers, Node oldPrimary) throws SQLException {
    Verdict v = new Verdict();
    try (Connection c = cluster.primary().connect();
        PreparedStatement rows = c.prepareStatement("SELECT id FROM soak_rows WHERE worker = ?");
        PreparedStatement counter =
            c.prepareStatement("SELECT n FROM soak_counters WHERE worker = ?")) {
      for (Worker w : workers) {
        java.util.BitSet present = new java.util.BitSet();
        rows.setInt(1, w.index);
        try (ResultSet rs = rows.executeQuery()) {
          while (rs.next()) {
            present.set((int) rs.getLong(1));
          }
        }
        java.util.BitSet lost = (java.util.BitSet) w.committed.clone();
        lost.andNot(present);
        v.acknowledged += w.committed.cardinality();
        v.lost += lost.cardinality();
        long transactions = w.committedTransactions;
        for (long[] pair : w.doubtful) {
          boolean a = present.get((int) pair[0]);
          boolean b = present.get((int) pair[1]);
          if (pair[2] == Worker.BEFORE_COMMIT) {
            v.failedBeforeCommit++;
            if (a || b) {
              v.failedBeforeCommitPresent++;
              v.counterDetails.add(
                  "worker "
                      + w.index
                      + ": a transaction failed before its commit, rows there: "
                      + (a ? pair[0] + " " : "")
                      + (b ? pair[1] : ""));
            }
            continue;
          }
          v.doubtful++;
          v.unknown += pair[2];
          if (a != b) {
            v.torn++;
          } else if (a) {
            v.doubtfulPresent++;
            transactions++;
            if (pair[2] == Worker.FAILED) {
              v.failedYetCommitted++;
            }
          }
        }
        counter.setInt(1, w.index);
        try (ResultSet rs = counter.executeQuery()) {
          rs.next();
          long n = rs.getLong(1);
          if (n != transactions) {
            v.countersOff++;
            v.counterDetails.add(
                "worker " + w.index + ": counter " + n + ", transactions " + transactions);
          }
        }
      }
    }
    if (oldPrimary != null) {
      v.onlyOnOldPrimary = onlyOn(cluster, oldPrimary, workers);
    }
    return v;
  }

  /**
   * Starts the stopped old primary and counts its rows that the final primary lacks: writes that
   * reached the wrong side of the split brain. Acknowledged ones are lost writes already; this also
   * shows unacknowledged ones.
   */
  private static long onlyOn(Cluster cluster, Node old, Worker[] workers) throws SQLException {
    old.start();
    long only = 0;
    try (Connection o = old.connect();
        Connection p = cluster.primary().connect();
        PreparedStatement rows = o.prepareStatement("SELECT id FROM soak_rows WHERE worker = ?");
        PreparedStatement there =
            p.prepareStatement("SELECT count(*) FROM soak_rows WHERE id = ?")) {
      for (Worker w : workers) {
        rows.setInt(1, w.index);
        List<Long> ids = new ArrayList<>();
        try (ResultSet rs = rows.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getLong(1));
          }
        }
        for (long id : ids) {
          if (!w.committed.get((int) id)) {
            there.setLong(1, id);
            try (ResultSet rs = there.executeQuery()) {
              rs.next();
              if (rs.getLong(1) == 0) {
                only++;
              }
            }
          }
        }
      }
    } finally {
      old.stop();
    }
    return only;
  }
}
