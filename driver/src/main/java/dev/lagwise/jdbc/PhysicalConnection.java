package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * One vendor connection of a logical connection, with the session state it has been given. {@link
 * #sync} applies only what differs, so a steady session costs one int comparison per statement.
 */
final class PhysicalConnection {

  final int node;
  final Connection connection;

  private int syncedVersion = -1;
  private boolean autoCommit = true;
  private boolean readOnly;
  private int isolation = -1;
  private String schema;
  private String catalog;
  private int holdability = -1;
  private int networkTimeoutMillis = -1;
  private Object clientInfo;
  private Object typeMap;
  private int sqlReplayed;
  private int resetEpoch;

  PhysicalConnection(int node, Connection connection) {
    this.node = node;
    this.connection = connection;
  }

  /** Brings this connection up to the session's state; cheap when nothing changed. */
  void sync(SessionState s) throws SQLException {
    if (syncedVersion == s.version) {
      return;
    }
    if (autoCommit != s.autoCommit) {
      connection.setAutoCommit(s.autoCommit);
      autoCommit = s.autoCommit;
    }
    if (readOnly != s.readOnly) {
      connection.setReadOnly(s.readOnly);
      readOnly = s.readOnly;
    }
    if (s.isolation != -1 && isolation != s.isolation) {
      connection.setTransactionIsolation(s.isolation);
      isolation = s.isolation;
    }
    if (s.schemaSet && !Objects.equals(schema, s.schema)) {
      connection.setSchema(s.schema);
      schema = s.schema;
    }
    if (s.catalogSet && !Objects.equals(catalog, s.catalog)) {
      connection.setCatalog(s.catalog);
      catalog = s.catalog;
    }
    if (s.holdability != -1 && holdability != s.holdability) {
      connection.setHoldability(s.holdability);
      holdability = s.holdability;
    }
    if (s.networkTimeoutMillis != -1 && networkTimeoutMillis != s.networkTimeoutMillis) {
      connection.setNetworkTimeout(s.networkTimeoutExecutor, s.networkTimeoutMillis);
      networkTimeoutMillis = s.networkTimeoutMillis;
    }
    if (s.clientInfo != null && clientInfo != s.clientInfo) {
      connection.setClientInfo(s.clientInfo);
      clientInfo = s.clientInfo;
    }
    if (s.typeMap != null && typeMap != s.typeMap) {
      connection.setTypeMap(s.typeMap);
      typeMap = s.typeMap;
    }
    if (resetEpoch != s.resetEpoch) {
      run("DISCARD ALL");
      resetEpoch = s.resetEpoch;
      sqlReplayed = 0;
    }
    while (sqlReplayed < s.sessionSql.size()) {
      run(s.sessionSql.get(sqlReplayed++));
    }
    syncedVersion = s.version;
  }

  /** This connection ran session SQL itself: it is already up to date with the recorded list. */
  void ranSessionSql(SessionState s) {
    sqlReplayed = s.sessionSql.size();
  }

  /** This connection ran DISCARD ALL itself. */
  void ranReset(SessionState s) {
    resetEpoch = s.resetEpoch;
    sqlReplayed = 0;
  }

  private void run(String sql) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(sql);
    }
  }

  void closeQuietly() {
    try {
      connection.close();
    } catch (SQLException | RuntimeException ignored) {
      // Already broken or closed: nothing left to release.
    }
  }
}
