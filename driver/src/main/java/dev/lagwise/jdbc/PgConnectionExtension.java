package dev.lagwise.jdbc;

import java.sql.Array;
import java.sql.SQLException;
import java.util.Map;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.postgresql.copy.CopyManager;
import org.postgresql.core.BaseConnection;
import org.postgresql.jdbc.AutoSave;
import org.postgresql.jdbc.PreferQueryMode;
import org.postgresql.util.PGobject;

/**
 * What Lagwise's connections do for the methods of {@link PGConnection} it gives semantics of its
 * own (the table in docs/vendor-extensions.md); every other method is vendor access ({@link
 * LogicalConnection#vendorTarget}). Each method takes the connection first: the generated
 * connection class calls it with {@code this} (see {@link VendorClasses}). Loaded only when PgJDBC
 * is present.
 *
 * <p>Settings are session state: recorded once ({@link SessionState#recordVendor}) and applied to
 * every vendor connection, open now or opened later, before its next statement; the getters answer
 * the value set here. Read-only calls (escaping, server parameters) are answered by an open vendor
 * connection, else the one where writes run, without pinning.
 */
final class PgConnectionExtension {

  private PgConnectionExtension() {}

  // ---------------------------------------------------------------- session settings

  static void addDataType(LogicalConnection c, String type, Class<? extends PGobject> klass)
      throws SQLException {
    c.checkOpen();
    if (type == null || klass == null) {
      throw Errors.invalid("addDataType needs a type name and a class");
    }
    record(c, new PgSetting(PgSetting.DATA_TYPE, type, klass));
  }

  /** PgJDBC resolves the class name now and throws unchecked when it cannot: so does this. */
  static void addDataType(LogicalConnection c, String type, String className) {
    Class<? extends PGobject> klass;
    try {
      c.checkOpen();
      ClassLoader loader = PGConnection.class.getClassLoader();
      klass = Class.forName(className, true, loader).asSubclass(PGobject.class);
      addDataType(c, type, klass);
    } catch (ClassNotFoundException | ClassCastException | SQLException e) {
      throw new RuntimeException("Cannot register new type " + type, e);
    }
  }

  static void setPrepareThreshold(LogicalConnection c, int threshold) {
    recordUnchecked(c, new PgSetting(PgSetting.PREPARE_THRESHOLD, null, threshold));
  }

  static int getPrepareThreshold(LogicalConnection c) {
    PgSetting s = setting(c, PgSetting.PREPARE_THRESHOLD);
    return s != null ? (Integer) s.value() : unchecked(c).getPrepareThreshold();
  }

  static void setDefaultFetchSize(LogicalConnection c, int fetchSize) throws SQLException {
    c.checkOpen();
    if (fetchSize < 0) {
      throw Errors.invalid("Fetch size must be a value greater than or equal to 0: " + fetchSize);
    }
    record(c, new PgSetting(PgSetting.DEFAULT_FETCH_SIZE, null, fetchSize));
  }

  static int getDefaultFetchSize(LogicalConnection c) {
    PgSetting s = setting(c, PgSetting.DEFAULT_FETCH_SIZE);
    return s != null ? (Integer) s.value() : unchecked(c).getDefaultFetchSize();
  }

  static void setQueryTimeout(LogicalConnection c, int seconds) throws SQLException {
    c.checkOpen();
    if (seconds < 0) {
      throw Errors.invalid("Query timeout must be a value greater than or equal to 0: " + seconds);
    }
    record(c, new PgSetting(PgSetting.QUERY_TIMEOUT, null, seconds));
  }

  static int getQueryTimeout(LogicalConnection c) {
    PgSetting s = setting(c, PgSetting.QUERY_TIMEOUT);
    return s != null ? (Integer) s.value() : unchecked(c).getQueryTimeout();
  }

  static void setAutosave(LogicalConnection c, AutoSave autoSave) {
    recordUnchecked(c, new PgSetting(PgSetting.AUTOSAVE, null, autoSave));
  }

  static AutoSave getAutosave(LogicalConnection c) {
    PgSetting s = setting(c, PgSetting.AUTOSAVE);
    return s != null ? (AutoSave) s.value() : unchecked(c).getAutosave();
  }

  static void setAdaptiveFetch(LogicalConnection c, boolean adaptiveFetch) {
    recordUnchecked(c, new PgSetting(PgSetting.ADAPTIVE_FETCH, null, adaptiveFetch));
  }

  static boolean getAdaptiveFetch(LogicalConnection c) {
    PgSetting s = setting(c, PgSetting.ADAPTIVE_FETCH);
    return s != null ? (Boolean) s.value() : unchecked(c).getAdaptiveFetch();
  }

  // ---------------------------------------------------------------- routed work

  /** COPY FROM runs as a write (captured), COPY TO as a read: see {@link PgCopyManager}. */
  static CopyManager getCopyAPI(LogicalConnection c) throws SQLException {
    return new PgCopyManager(c, any(c).connection.unwrap(BaseConnection.class));
  }

  /** Like the JDBC {@code createArrayOf}: where a read would go, without pinning. */
  static Array createArrayOf(LogicalConnection c, String typeName, Object elements)
      throws SQLException {
    return vendor(c.forConnectionCall()).createArrayOf(typeName, elements);
  }

  /**
   * From the connection LISTEN pinned the session to; none when nothing pinned it (no LISTEN ran
   * here, so none can arrive), without waiting.
   */
  static PGNotification[] getNotifications(LogicalConnection c) throws SQLException {
    return getNotifications(c, -1);
  }

  static PGNotification[] getNotifications(LogicalConnection c, int timeoutMillis)
      throws SQLException {
    c.checkOpen();
    int node = c.router.pinnedNode();
    PhysicalConnection pc = node < 0 ? null : c.physicals.existing(node);
    return pc == null ? new PGNotification[0] : vendor(pc).getNotifications(timeoutMillis);
  }

  /** The backend of the open transaction, else of the pinned connection, else the primary's. */
  static int getBackendPID(LogicalConnection c) {
    try {
      c.checkOpen();
      int node = c.router.inTransaction() ? c.router.transactionNode() : c.router.pinnedNode();
      return vendor(c.physical(node >= 0 ? node : c.router.writeNode())).getBackendPID();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /**
   * Cancels what runs on this connection: one statement runs at a time, on one of its vendor
   * connections; the others are idle, and an idle server ignores a cancel request.
   */
  static void cancelQuery(LogicalConnection c) throws SQLException {
    c.checkOpen();
    for (int node = 0; node < c.spec.hosts.size(); node++) {
      PhysicalConnection pc = c.physicals.existing(node);
      if (pc != null) {
        vendor(pc).cancelQuery();
      }
    }
  }

  // ---------------------------------------------------------------- answered by any connection

  static String escapeIdentifier(LogicalConnection c, String identifier) throws SQLException {
    return vendor(any(c)).escapeIdentifier(identifier);
  }

  static String escapeLiteral(LogicalConnection c, String literal) throws SQLException {
    return vendor(any(c)).escapeLiteral(literal);
  }

  static Map<String, String> getParameterStatuses(LogicalConnection c) {
    return unchecked(c).getParameterStatuses();
  }

  static String getParameterStatus(LogicalConnection c, String parameterName) {
    return unchecked(c).getParameterStatus(parameterName);
  }

  static PreferQueryMode getPreferQueryMode(LogicalConnection c) {
    return unchecked(c).getPreferQueryMode();
  }

  // ---------------------------------------------------------------- internal

  /** An open vendor connection (the primary's first), else the one where writes run; no pin. */
  static PhysicalConnection any(LogicalConnection c) throws SQLException {
    c.checkOpen();
    PhysicalConnection open = c.physicals.anyOpen();
    return open != null ? open : c.physical(c.router.writeNode());
  }

  private static PGConnection unchecked(LogicalConnection c) {
    try {
      return vendor(any(c));
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  static PGConnection vendor(PhysicalConnection pc) throws SQLException {
    return pc.connection.unwrap(PGConnection.class);
  }

  private static PgSetting setting(LogicalConnection c, int kind) {
    return (PgSetting) c.state.vendorSetting(PgSetting.key(kind, null));
  }

  /**
   * Recorded for every vendor connection; when the session's list is full, the session is pinned
   * instead (as for session SQL) and the setting applied to that one connection.
   */
  private static void record(LogicalConnection c, PgSetting s) throws SQLException {
    if (!c.state.recordVendor(s)) {
      int node = c.router.inTransaction() ? c.router.transactionNode() : c.router.writeNode();
      c.router.pin(node);
      s.applyTo(c.physical(node).connection);
    }
  }

  private static void recordUnchecked(LogicalConnection c, PgSetting s) {
    try {
      c.checkOpen();
      record(c, s);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
