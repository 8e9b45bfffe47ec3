package dev.lagwise.jdbc;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringReader;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLSyntaxErrorException;
import java.util.Arrays;

/**
 * Parameters of a routed prepared statement: recorded, applied at execute. A read may run on a
 * different node at each execution (a replica, or the primary inside a transaction or after a
 * replica failed), so its parameters are kept here and applied to the physical statement of the
 * chosen node at execute time.
 *
 * <p>The {@code set*(int, ...)} methods and {@link #applyParameter} are written at build time
 * ({@link Recording}): each setter calls {@link #record} or {@link #recordPrimitive} with its kind
 * (a number per setter), and {@code applyParameter} calls the same setter back on the vendor
 * statement. A slot holds one parameter: its kind, a primitive first value as raw {@code long} bits
 * (so {@code setInt}/{@code setLong} allocate nothing), or an object first value, and the setter's
 * extra arguments (length, scale, calendar, type name), boxed. Setting a parameter overwrites all
 * of its slot, so nothing of an earlier setter on the same index (a stream, a length) survives.
 */
abstract class RecordingPreparedStatement extends LogicalStatement implements PreparedStatement {

  private byte[] kinds = new byte[16];
  private long[] primitives = new long[16];
  private Object[] values = new Object[16];
  private Object[] seconds = new Object[16];
  private Object[] thirds = new Object[16];
  private int highest;

  /** The highest index ever applied to any vendor statement of this one; never decreases. */
  private int applied;

  RecordingPreparedStatement(
      LogicalConnection connection, int type, int concurrency, int holdability) {
    super(connection, type, concurrency, holdability);
  }

  // ---------------------------------------------------------------- called by generated setters

  final void record(int index, int kind, Object value, Object second, Object third)
      throws SQLException {
    slot(index);
    kinds[index] = (byte) kind;
    values[index] = value;
    seconds[index] = second;
    thirds[index] = third;
  }

  final void recordPrimitive(int index, int kind, long bits, Object second) throws SQLException {
    slot(index);
    kinds[index] = (byte) kind;
    primitives[index] = bits;
    values[index] = null;
    seconds[index] = second;
    thirds[index] = null;
  }

  /**
   * Calls setter {@code kind} on {@code ps} with the stored values converted back; generated.
   * {@code bits} is the raw first value when it is primitive, else {@code value} is.
   */
  abstract void applyParameter(
      PreparedStatement ps,
      int index,
      int kind,
      long bits,
      Object value,
      Object second,
      Object third)
      throws SQLException;

  /** What the generated {@link #applyParameter} throws for a kind it does not know: a bug. */
  static IllegalStateException unknownKind(int kind) {
    return new IllegalStateException("no parameter setter of kind " + kind);
  }

  private void slot(int index) throws SQLException {
    if (index < 1) {
      throw new SQLException("Parameter index out of range: " + index, "22023");
    }
    if (index >= kinds.length) {
      int n = Math.max(index + 1, kinds.length * 2);
      kinds = Arrays.copyOf(kinds, n);
      primitives = Arrays.copyOf(primitives, n);
      values = Arrays.copyOf(values, n);
      seconds = Arrays.copyOf(seconds, n);
      thirds = Arrays.copyOf(thirds, n);
    }
    if (index > highest) {
      highest = index;
    }
  }

  // ---------------------------------------------------------------- intercepted

  @Override
  public void clearParameters() throws SQLException {
    Arrays.fill(kinds, 0, highest + 1, (byte) 0);
    Arrays.fill(values, 0, highest + 1, null);
    Arrays.fill(seconds, 0, highest + 1, null);
    Arrays.fill(thirds, 0, highest + 1, null);
    highest = 0;
  }

  // ---------------------------------------------------------------- replay

  /**
   * Sets every recorded parameter on {@code ps}, which belongs to the chosen node. A vendor
   * statement holds at most slots 1..{@link #applied}; when all of them are recorded now they are
   * all overwritten and nothing is cleared, because clearing makes PgJDBC forget the types it bound
   * and parse a server-prepared statement again (a {@code setNull(i, Types.OTHER)} keeps the
   * previous type on PgJDBC). When one is missing, the clear makes the vendor report it unset.
   */
  final void applyParameters(PreparedStatement ps) throws SQLException {
    int top = Math.max(highest, applied);
    for (int i = 1; i <= top; i++) {
      if (kinds[i] == 0) {
        ps.clearParameters();
        break;
      }
    }
    applied = top;
    for (int i = 1; i <= highest; i++) {
      if (kinds[i] != 0) {
        applyParameter(ps, i, kinds[i], primitives[i], values[i], seconds[i], thirds[i]);
      }
    }
  }

  /** True when a parameter is a stream or reader: it can be sent only once. */
  final boolean hasStreamParameter() {
    for (int i = 1; i <= highest; i++) {
      if (values[i] instanceof InputStream || values[i] instanceof Reader) {
        return true;
      }
    }
    return false;
  }

  /**
   * Reads every stream and reader parameter into memory once (up to its declared length), so that
   * the statement can be sent again: a retry must not send a consumed stream.
   */
  final void bufferStreams() throws SQLException {
    try {
      for (int i = 1; i <= highest; i++) {
        long limit = seconds[i] instanceof Number ? ((Number) seconds[i]).longValue() : -1;
        if (values[i] instanceof InputStream && !(values[i] instanceof ByteArrayInputStream)) {
          InputStream in = (InputStream) values[i];
          byte[] b =
              limit < 0
                  ? in.readAllBytes()
                  : in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE));
          values[i] = new ByteArrayInputStream(b);
        } else if (values[i] instanceof Reader && !(values[i] instanceof StringReader)) {
          values[i] = new StringReader(read((Reader) values[i], limit));
        }
      }
    } catch (IOException e) {
      throw new SQLException("Cannot read a stream parameter: " + e.getMessage(), "HY000", e);
    }
  }

  private static String read(Reader in, long limit) throws IOException {
    StringBuilder b = new StringBuilder();
    char[] buf = new char[8192];
    while (limit < 0 || b.length() < limit) {
      int want = limit < 0 ? buf.length : (int) Math.min(buf.length, limit - b.length());
      int n = in.read(buf, 0, want);
      if (n <= 0) {
        break;
      }
      b.append(buf, 0, n);
    }
    return b.toString();
  }

  /** Rewinds the buffered stream parameters to their start, before each send. */
  final void rewindStreams() throws SQLException {
    try {
      for (int i = 1; i <= highest; i++) {
        if (values[i] instanceof ByteArrayInputStream) {
          ((ByteArrayInputStream) values[i]).reset();
        } else if (values[i] instanceof StringReader) {
          ((StringReader) values[i]).reset();
        }
      }
    } catch (IOException e) {
      throw new SQLException("Cannot rewind a stream parameter: " + e.getMessage(), "HY000", e);
    }
  }

  // ---------------------------------------------------------------- Statement's SQL-string methods

  /*
   * A prepared statement refuses other SQL as its vendor's prepared statement does, so that code
   * behaves as on the vendor driver alone: PgJDBC refuses the four methods its prepared statement
   * overrides (executeQuery, executeUpdate, execute and addBatch taking a String) with 42809,
   * MariaDB Connector/J every one with 42000; MySQL Connector/J runs the SQL, as the inherited
   * LogicalStatement methods do.
   */

  @Override
  public ResultSet executeQuery(String sql) throws SQLException {
    refuseString(true, "executeQuery(String sql)");
    return super.executeQuery(sql);
  }

  @Override
  public int executeUpdate(String sql) throws SQLException {
    refuseString(true, "executeUpdate(String sql)");
    return super.executeUpdate(sql);
  }

  @Override
  public int executeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    refuseString(false, "executeUpdate(String sql, int autoGeneratedKeys)");
    return super.executeUpdate(sql, autoGeneratedKeys);
  }

  @Override
  public int executeUpdate(String sql, int[] columnIndexes) throws SQLException {
    refuseString(false, "executeUpdate(String sql, int[] columnIndexes)");
    return super.executeUpdate(sql, columnIndexes);
  }

  @Override
  public int executeUpdate(String sql, String[] columnNames) throws SQLException {
    refuseString(false, "executeUpdate(String sql, String[] columnNames)");
    return super.executeUpdate(sql, columnNames);
  }

  @Override
  public long executeLargeUpdate(String sql) throws SQLException {
    refuseString(false, "executeLargeUpdate(String sql)");
    return super.executeLargeUpdate(sql);
  }

  @Override
  public long executeLargeUpdate(String sql, int autoGeneratedKeys) throws SQLException {
    refuseString(false, "executeLargeUpdate(String sql, int autoGeneratedKeys)");
    return super.executeLargeUpdate(sql, autoGeneratedKeys);
  }

  @Override
  public long executeLargeUpdate(String sql, int[] columnIndexes) throws SQLException {
    refuseString(false, "executeLargeUpdate(String sql, int[] columnIndexes)");
    return super.executeLargeUpdate(sql, columnIndexes);
  }

  @Override
  public long executeLargeUpdate(String sql, String[] columnNames) throws SQLException {
    refuseString(false, "executeLargeUpdate(String sql, String[] columnNames)");
    return super.executeLargeUpdate(sql, columnNames);
  }

  @Override
  public boolean execute(String sql) throws SQLException {
    refuseString(true, "execute(String sql)");
    return super.execute(sql);
  }

  @Override
  public boolean execute(String sql, int autoGeneratedKeys) throws SQLException {
    refuseString(false, "execute(String sql, int autoGeneratedKeys)");
    return super.execute(sql, autoGeneratedKeys);
  }

  @Override
  public boolean execute(String sql, int[] columnIndexes) throws SQLException {
    refuseString(false, "execute(String sql, int[] columnIndexes)");
    return super.execute(sql, columnIndexes);
  }

  @Override
  public boolean execute(String sql, String[] columnNames) throws SQLException {
    refuseString(false, "execute(String sql, String[] columnNames)");
    return super.execute(sql, columnNames);
  }

  @Override
  public void addBatch(String sql) throws SQLException {
    if (connection.spec.dialect == Dialect.POSTGRESQL) {
      checkOpen();
    }
    refuseString(true, "addBatch(String sql)");
    super.addBatch(sql);
  }

  /** Throws the vendor's refusal of a SQL-string method ({@code pg}: PgJDBC refuses it too). */
  private void refuseString(boolean pg, String signature) throws SQLException {
    switch (connection.spec.dialect) {
      case POSTGRESQL:
        if (pg) {
          throw new SQLException(
              "Can't use query methods that take a query string on a PreparedStatement.", "42809");
        }
        return;
      case MARIADB:
        throw new SQLSyntaxErrorException(
            signature + " cannot be called on preparedStatement", "42000");
      default:
        return;
    }
  }
}
