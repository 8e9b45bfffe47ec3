package dev.lagwise.it.diff;

import dev.lagwise.testkit.Engine;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Runs one sequence of {@link Op}s on one connection under test (raw vendor or Lagwise) and records
 * each operation's {@link Outcome}, followed by the connection's close and the tables as the
 * primary sees them afterwards.
 *
 * <p>Every outcome ends with {@code getAutoCommit()}, {@code getTransactionIsolation()} and {@code
 * isReadOnly()} read right after the operation. Prepared statements are prepared on first use and
 * kept for the life of the connection, one per {@link Kind}.
 */
final class Side {

  /** Opens a connection under test. */
  interface Opener {
    Connection open() throws SQLException;
  }

  private static final int[] ISOLATIONS = {
    Connection.TRANSACTION_READ_COMMITTED,
    Connection.TRANSACTION_REPEATABLE_READ,
    Connection.TRANSACTION_SERIALIZABLE
  };

  private final Engine engine;
  private final Opener opener;
  private final Tables tables;
  private final Map<Kind, PreparedStatement> pool = new EnumMap<>(Kind.class);
  private final Deque<Savepoint> savepoints = new ArrayDeque<>();
  private Connection c;

  Side(Engine engine, Opener opener, Tables tables) {
    this.engine = engine;
    this.opener = opener;
    this.tables = tables;
  }

  /** One outcome per op, then the close, then the primary's tables after the close. */
  List<Outcome> run(List<Op> ops) throws SQLException {
    List<Outcome> out = new ArrayList<>(ops.size() + 2);
    c = opener.open();
    try {
      for (Op op : ops) {
        out.add(apply(op));
      }
      out.add(close());
    } finally {
      closeQuietly();
    }
    out.add(Outcome.of("primary: " + tables.state()));
    return out;
  }

  private Outcome apply(Op op) {
    Outcome result;
    try {
      result = Outcome.of(perform(op));
    } catch (Throwable t) {
      result = error(t);
    }
    return new Outcome(result.compared() + " | " + state(), result.detail());
  }

  /** Each getter on its own, so that one that throws does not hide the others. */
  private String state() {
    String ac;
    String iso;
    String ro;
    try {
      ac = String.valueOf(c.getAutoCommit());
    } catch (Throwable t) {
      ac = error(t).compared().replace(" ", "");
    }
    try {
      iso = String.valueOf(c.getTransactionIsolation());
    } catch (Throwable t) {
      iso = error(t).compared().replace(" ", "");
    }
    try {
      ro = String.valueOf(c.isReadOnly());
    } catch (Throwable t) {
      ro = error(t).compared().replace(" ", "");
    }
    return "ac=" + ac + " iso=" + iso + " ro=" + ro;
  }

  private Outcome close() {
    try {
      Connection closing = c;
      c = null;
      pool.clear();
      savepoints.clear();
      closing.close();
      return Outcome.of("close ok");
    } catch (Throwable t) {
      return error(t);
    }
  }

  private void closeQuietly() {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // the outcome of the failing operation was recorded already
      }
      c = null;
    }
  }

  static Outcome error(Throwable t) {
    String detail = String.valueOf(t.getMessage()).lines().findFirst().orElse("");
    if (t instanceof BatchUpdateException b) {
      return new Outcome(
          "batch ERR " + stateClass(b) + " counts=" + Arrays.toString(b.getUpdateCounts()), detail);
    }
    if (t instanceof SQLException e) {
      return new Outcome("ERR " + stateClass(e), e.getSQLState() + " " + detail);
    }
    return new Outcome("THROW " + t.getClass().getName(), detail);
  }

  private static String stateClass(SQLException e) {
    String s = e.getSQLState();
    return s == null ? "null" : s.length() < 2 ? s : s.substring(0, 2);
  }

  private String perform(Op op) throws SQLException {
    Kind kind = op.kind();
    int arg = op.arg();
    String sql = kind.sql(engine, arg);
    switch (kind) {
      case AUTOCOMMIT_ON:
      case AUTOCOMMIT_OFF:
        c.setAutoCommit(kind == Kind.AUTOCOMMIT_ON);
        return "ok";
      case READ_ONLY_ON:
      case READ_ONLY_OFF:
        c.setReadOnly(kind == Kind.READ_ONLY_ON);
        return "ok";
      case ISOLATION:
        c.setTransactionIsolation(ISOLATIONS[arg]);
        return "ok";
      case INSERT:
        try (Statement s = c.createStatement()) {
          int n = s.executeUpdate(sql, Statement.RETURN_GENERATED_KEYS);
          try (ResultSet keys = s.getGeneratedKeys()) {
            return "count=" + n + " keys=" + rows(keys);
          }
        }
      case PS_SELECT_BY_ID:
        {
          PreparedStatement ps = pooled(kind, sql, Statement.NO_GENERATED_KEYS);
          ps.setInt(1, arg + 1);
          return results(ps, ps.execute());
        }
      case PS_UPDATE:
        {
          PreparedStatement ps = pooled(kind, sql, Statement.NO_GENERATED_KEYS);
          ps.setInt(1, arg + 1);
          return "count=" + ps.executeUpdate();
        }
      case PS_COUNT:
        {
          PreparedStatement ps = pooled(kind, sql, Statement.NO_GENERATED_KEYS);
          try (ResultSet rs = ps.executeQuery()) {
            return "rows" + rows(rs);
          }
        }
      case PS_INSERT:
        {
          PreparedStatement ps = pooled(kind, sql, Statement.RETURN_GENERATED_KEYS);
          ps.setString(1, "p" + arg);
          ps.setInt(2, arg);
          int n = ps.executeUpdate();
          try (ResultSet keys = ps.getGeneratedKeys()) {
            return "count=" + n + " keys=" + rows(keys);
          }
        }
      case COMMIT:
        c.commit();
        return "ok";
      case ROLLBACK:
        c.rollback();
        return "ok";
      case SET_SAVEPOINT:
        savepoints.push(c.setSavepoint());
        return "ok";
      case ROLLBACK_TO_SAVEPOINT:
        if (savepoints.isEmpty()) {
          return "no savepoint";
        }
        c.rollback(savepoints.peek());
        return "ok";
      case RELEASE_SAVEPOINT:
        if (savepoints.isEmpty()) {
          return "no savepoint";
        }
        c.releaseSavepoint(savepoints.pop());
        return "ok";
      case STATEMENT_BATCH:
        try (Statement s = c.createStatement()) {
          for (String k : Kind.batchKeys(arg)) {
            s.addBatch(Kind.batchInsert(k));
          }
          return batch(s, arg);
        }
      case PS_BATCH:
        {
          PreparedStatement ps = pooled(kind, sql, Statement.NO_GENERATED_KEYS);
          for (String k : Kind.batchKeys(arg)) {
            ps.setString(1, k);
            ps.setInt(2, 5);
            ps.addBatch();
          }
          return batch(ps, arg);
        }
      case RS_UPDATE_ROW:
      case RS_INSERT_ROW:
      case RS_DELETE_ROW:
        return updatable(kind, arg, sql);
      case META_TABLES:
        try (ResultSet rs = c.getMetaData().getTables(null, null, Kind.TABLE, null)) {
          int n = 0;
          while (rs.next()) {
            n++;
          }
          return "tables=" + n;
        }
      case GET_SCHEMA:
        return "schema=" + c.getSchema();
      case IS_VALID:
        return "valid=" + c.isValid(1);
      case REOPEN:
        {
          String closed = close().compared();
          String seen = tables.state();
          c = opener.open();
          return closed + "; primary: " + seen + "; reopened";
        }
      default:
        try (Statement s = c.createStatement()) {
          return results(s, s.execute(sql));
        }
    }
  }

  private PreparedStatement pooled(Kind kind, String sql, int keys) throws SQLException {
    PreparedStatement ps = pool.get(kind);
    if (ps == null) {
      ps = c.prepareStatement(sql, keys);
      pool.put(kind, ps);
    }
    return ps;
  }

  private static String batch(Statement s, int arg) throws SQLException {
    try {
      return (arg & 2) != 0
          ? "large counts=" + Arrays.toString(s.executeLargeBatch())
          : "counts=" + Arrays.toString(s.executeBatch());
    } finally {
      s.clearBatch();
    }
  }

  private String updatable(Kind kind, int arg, String sql) throws SQLException {
    int type = arg == 0 ? ResultSet.TYPE_FORWARD_ONLY : ResultSet.TYPE_SCROLL_INSENSITIVE;
    try (Statement s = c.createStatement(type, ResultSet.CONCUR_UPDATABLE);
        ResultSet rs = s.executeQuery(sql)) {
      if (kind == Kind.RS_INSERT_ROW) {
        rs.moveToInsertRow();
        rs.updateString("k", "r");
        rs.updateInt("v", 9);
        rs.insertRow();
        return "inserted";
      }
      if (!rs.next()) {
        return "empty";
      }
      if (kind == Kind.RS_UPDATE_ROW) {
        rs.updateInt("v", rs.getInt("v") + 100);
        rs.updateRow();
        return "updated id=" + rs.getString("id");
      }
      String id = rs.getString("id");
      rs.deleteRow();
      return "deleted id=" + id;
    }
  }

  /** Every result of an execute: result sets as rows, update counts as counts. */
  static String results(Statement s, boolean isResultSet) throws SQLException {
    StringBuilder out = new StringBuilder();
    boolean rs = isResultSet;
    while (true) {
      if (rs) {
        try (ResultSet r = s.getResultSet()) {
          out.append(out.length() == 0 ? "" : " ").append("rows").append(rows(r));
        }
      } else {
        int n = s.getUpdateCount();
        if (n == -1) {
          break;
        }
        out.append(out.length() == 0 ? "" : " ").append("count=").append(n);
      }
      rs = s.getMoreResults();
    }
    return out.toString();
  }

  static String rows(ResultSet rs) throws SQLException {
    ResultSetMetaData md = rs.getMetaData();
    int n = md.getColumnCount();
    List<String> rows = new ArrayList<>();
    while (rs.next()) {
      StringBuilder row = new StringBuilder("[");
      for (int i = 1; i <= n; i++) {
        row.append(i == 1 ? "" : ", ").append(rs.getString(i));
      }
      rows.add(row.append(']').toString());
    }
    return rows.toString();
  }
}
