package dev.lagwise.jdbc;

import dev.lagwise.routing.Classification;
import dev.lagwise.routing.SqlClassifier;
import dev.lagwise.routing.StatementKind;
import java.io.FilterOutputStream;
import java.io.FilterWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Reader;
import java.io.Writer;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyDual;
import org.postgresql.copy.CopyIn;
import org.postgresql.copy.CopyManager;
import org.postgresql.copy.CopyOut;
import org.postgresql.core.BaseConnection;
import org.postgresql.util.ByteStreamWriter;

/**
 * The {@link CopyManager} of a Lagwise connection. A whole COPY FROM (from a stream, reader or
 * {@link ByteStreamWriter}) runs through the connection's {@link Exchange} as a write: on the
 * primary or the open transaction's node, its position captured after it commits, so the session's
 * next read sees the rows. A whole COPY TO is a read when it reads (a table, or a query the
 * classifier calls a read) and may go to a replica fresh enough for the session. The streaming
 * calls ({@code copyIn(sql)}, {@code copyOut(sql)}, {@code copyDual(sql)}) hand out the vendor's
 * operation, which outlives this call: vendor access, pinned and counted as writing.
 *
 * <p>A COPY TO that fails on a replica is sent again elsewhere only if none of its output reached
 * the application's stream; a COPY FROM never is (it runs on the primary, and its source is
 * consumed).
 *
 * <p>The superclass is built on some vendor connection only because its constructor needs one;
 * every public method is overridden and none of its state is used.
 */
final class PgCopyManager extends CopyManager implements Exchange.Target {

  private static final int IN_READER = 0;
  private static final int IN_STREAM = 1;
  private static final int IN_WRITER = 2;
  private static final int OUT_WRITER = 3;
  private static final int OUT_STREAM = 4;

  private final LogicalConnection connection;

  // The COPY in flight, read by perform().
  private String sql;
  private Object io;
  private int bufferSize;
  private PhysicalConnection on;
  private boolean attempted;

  PgCopyManager(LogicalConnection connection, BaseConnection any) throws SQLException {
    super(any);
    this.connection = connection;
  }

  // ---------------------------------------------------------------- streaming: vendor access

  @Override
  public CopyIn copyIn(String sql) throws SQLException {
    return vendorCopy().copyIn(sql);
  }

  @Override
  public CopyOut copyOut(String sql) throws SQLException {
    return vendorCopy().copyOut(sql);
  }

  @Override
  public CopyDual copyDual(String sql) throws SQLException {
    return vendorCopy().copyDual(sql);
  }

  private CopyManager vendorCopy() throws SQLException {
    return ((PGConnection) connection.vendorTarget(PGConnection.class)).getCopyAPI();
  }

  // ---------------------------------------------------------------- whole copies: routed

  @Override
  public long copyIn(String sql, Reader from) throws SQLException, IOException {
    return run(IN_READER, sql, from, -1);
  }

  @Override
  public long copyIn(String sql, Reader from, int bufferSize) throws SQLException, IOException {
    return run(IN_READER, sql, from, bufferSize);
  }

  @Override
  public long copyIn(String sql, InputStream from) throws SQLException, IOException {
    return run(IN_STREAM, sql, from, -1);
  }

  @Override
  public long copyIn(String sql, InputStream from, int bufferSize)
      throws SQLException, IOException {
    return run(IN_STREAM, sql, from, bufferSize);
  }

  @Override
  public long copyIn(String sql, ByteStreamWriter from) throws SQLException, IOException {
    return run(IN_WRITER, sql, from, -1);
  }

  @Override
  public long copyOut(String sql, Writer to) throws SQLException, IOException {
    return run(OUT_WRITER, sql, new CountingWriter(to), -1);
  }

  @Override
  public long copyOut(String sql, OutputStream to) throws SQLException, IOException {
    return run(OUT_STREAM, sql, new CountingStream(to), -1);
  }

  private long run(int op, String sql, Object io, int bufferSize) throws SQLException, IOException {
    if (sql == null || io == null) {
      throw Errors.invalid("COPY needs the SQL and a " + (op < OUT_WRITER ? "source" : "target"));
    }
    Classification c =
        op < OUT_WRITER
            ? connection.classify(sql)
            : copyOutClassification(connection.classifier, sql);
    this.sql = sql;
    this.io = io;
    this.bufferSize = bufferSize;
    this.attempted = false;
    try {
      return connection.exchange.run(this, c, op, sql);
    } catch (IoFailure e) {
      throw (IOException) e.getCause();
    } finally {
      this.io = null;
      this.on = null;
    }
  }

  /**
   * A read when the COPY reads: {@code COPY table [(columns)] TO STDOUT}, or {@code COPY (query) TO
   * STDOUT} whose query the classifier calls a read. Anything else (a data-modifying query, SQL
   * this scan does not follow) is what the classifier says of the whole: a write.
   */
  static Classification copyOutClassification(SqlClassifier classifier, String sql) {
    String s = sql.strip();
    if (!s.regionMatches(true, 0, "copy", 0, 4) || s.length() < 6) {
      return classifier.classify(sql);
    }
    int i = skipSpace(s, 4);
    if (i == 4 && s.charAt(4) != '(') {
      return classifier.classify(sql);
    }
    if (i < s.length() && s.charAt(i) == '(') {
      int end = matchingParen(s, i);
      if (end > 0 && toStdout(s, end + 1)) {
        Classification inner = classifier.classify(s.substring(i + 1, end));
        if (inner.kind() == StatementKind.READ) {
          return inner;
        }
      }
      return classifier.classify(sql);
    }
    // COPY name [(columns)] TO STDOUT ...: a table (only tables can be copied by name).
    int j = i;
    while (j < s.length() && !Character.isWhitespace(s.charAt(j)) && s.charAt(j) != '(') {
      char ch = s.charAt(j);
      if (ch == '"') {
        j = s.indexOf('"', j + 1);
        if (j < 0) {
          return classifier.classify(sql);
        }
      } else if (ch == '\'' || ch == ';' || ch == '$') {
        return classifier.classify(sql);
      }
      j++;
    }
    int columns = skipSpace(s, j);
    if (columns < s.length() && s.charAt(columns) == '(') {
      j = matchingParen(s, columns);
      if (j < 0) {
        return classifier.classify(sql);
      }
      j++;
    }
    return toStdout(s, j) ? Classification.COPY_TO : classifier.classify(sql);
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
    return i;
  }

  /** The index of the parenthesis closing the one at {@code open}, skipping quotes; or -1. */
  private static int matchingParen(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char ch = s.charAt(i);
      if (ch == '\'' || ch == '"') {
        int close = s.indexOf(ch, i + 1);
        if (close < 0) {
          return -1;
        }
        i = close;
      } else if (ch == '$'
          || ch == ';'
          || ch == '-' && i + 1 < s.length() && s.charAt(i + 1) == '-'
          || ch == '/' && i + 1 < s.length() && s.charAt(i + 1) == '*') {
        // Dollar quotes, comments, several statements: not followed here.
        return -1;
      } else if (ch == '(') {
        depth++;
      } else if (ch == ')' && --depth == 0) {
        return i;
      }
    }
    return -1;
  }

  /** True when {@code TO STDOUT} follows at {@code i} and nothing but options after it. */
  private static boolean toStdout(String s, int i) {
    int j = skipSpace(s, i);
    if (j == i || !s.regionMatches(true, j, "to", 0, 2)) {
      return false;
    }
    int k = skipSpace(s, j + 2);
    if (k == j + 2 || !s.regionMatches(true, k, "stdout", 0, 6)) {
      return false;
    }
    String rest = s.substring(k + 6).toLowerCase(Locale.ROOT);
    return rest.indexOf(';') < 0 && (rest.isEmpty() || !Character.isLetterOrDigit(rest.charAt(0)));
  }

  // ---------------------------------------------------------------- Exchange.Target

  @Override
  public Statement vendorOn(PhysicalConnection pc) {
    on = pc;
    return null;
  }

  @Override
  public void running(Statement s) {
    // No statement: cancelQuery() reaches a running COPY through the connection.
  }

  @Override
  public long perform(Statement s, int op) throws SQLException {
    if (attempted && transferred() > 0) {
      throw new SQLException(
          "The COPY failed after part of its output was written; it is not sent again", "58030");
    }
    attempted = true;
    CopyManager vendor = on.connection.unwrap(PGConnection.class).getCopyAPI();
    try {
      switch (op) {
        case IN_READER:
          return bufferSize < 0
              ? vendor.copyIn(sql, (Reader) io)
              : vendor.copyIn(sql, (Reader) io, bufferSize);
        case IN_STREAM:
          return bufferSize < 0
              ? vendor.copyIn(sql, (InputStream) io)
              : vendor.copyIn(sql, (InputStream) io, bufferSize);
        case IN_WRITER:
          return vendor.copyIn(sql, (ByteStreamWriter) io);
        case OUT_WRITER:
          return vendor.copyOut(sql, (Writer) io);
        default:
          return vendor.copyOut(sql, (OutputStream) io);
      }
    } catch (IOException e) {
      throw new IoFailure(e);
    }
  }

  private long transferred() {
    if (io instanceof CountingStream c) {
      return c.count;
    }
    return io instanceof CountingWriter w ? w.count : 0;
  }

  /** The application's stream failed: not the server's doing, rethrown as the IOException. */
  private static final class IoFailure extends SQLException {
    IoFailure(IOException cause) {
      super(cause.getMessage(), (String) null, cause);
    }
  }

  private static final class CountingStream extends FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      count++;
      out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      count += len;
      out.write(b, off, len);
    }
  }

  private static final class CountingWriter extends FilterWriter {
    long count;

    CountingWriter(Writer out) {
      super(out);
    }

    @Override
    public void write(int c) throws IOException {
      count++;
      out.write(c);
    }

    @Override
    public void write(char[] cbuf, int off, int len) throws IOException {
      count += len;
      out.write(cbuf, off, len);
    }

    @Override
    public void write(String str, int off, int len) throws IOException {
      count += len;
      out.write(str, off, len);
    }
  }
}
