package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseStats;
import dev.lagwise.RouteReason;
import dev.lagwise.monitor.ClusterSnapshot;
import dev.lagwise.monitor.NodeStatus;
import dev.lagwise.routing.Classification;
import dev.lagwise.routing.Hint;
import dev.lagwise.routing.SqlClassifier;
import dev.lagwise.routing.StatementKind;
import java.sql.Array;
import java.sql.Blob;
import java.sql.CallableStatement;
import java.sql.Clob;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.NClob;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLClientInfoException;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.SQLXML;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Struct;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The connection the application holds: one vendor connection per host, opened on first use.
 *
 * <p>Routing invariants, in the order {@link #route} applies them: a transaction runs entirely on
 * the node where it started; a session pinned by non-replayable state runs on the primary; a hint
 * wins over classification; a transaction started with autocommit off runs on a replica only if the
 * connection is read-only; an autocommit statement goes to a replica only if it is classified READ
 * (or hinted) and a replica is usable in the current snapshot — otherwise the primary. Nothing here
 * allocates or locks for a statement whose classification is cached.
 */
final class LogicalConnection implements LagwiseConnection {

  final Cluster cluster;
  final ConnectionSpec spec;
  final SqlClassifier classifier;
  final SessionState state = new SessionState();
  private final PhysicalConnection[] slots;
  final SessionConsistency consistency;
  private final ReplicaChooser replicas;

  /** Node of the open transaction, or -1. */
  private int txNode = -1;

  private boolean pinned;
  private boolean closed;
  private int lastNode = -1;

  /**
   * Why routing sent the statement being run to the primary, when the statement and the session
   * state cannot tell it afterwards (a hint, no usable replica, serializable); else null. Set by
   * routing, consumed by {@link #executed}: passing it in a field keeps {@code route} returning an
   * int and the statement path free of allocation.
   */
  private RouteReason reason;

  private SQLWarning warnings;

  LogicalConnection(Cluster cluster, ConnectionSpec spec) {
    this.cluster = cluster;
    this.spec = spec;
    this.classifier = cluster.classifier;
    this.slots = new PhysicalConnection[spec.hosts.size()];
    this.consistency = new SessionConsistency(cluster, spec);
    this.replicas = new ReplicaChooser(cluster, spec, consistency);
  }

  // ---------------------------------------------------------------- routing

  Classification classify(String sql) {
    return classifier.classify(sql);
  }

  /** The node that must run a statement of classification {@code c} now. */
  int route(Classification c) throws SQLException {
    checkOpen();
    reason = null;
    if (txNode >= 0) {
      return txNode;
    }
    if (pinned) {
      return primaryNode();
    }
    Hint hint = c.hint();
    if (hint == Hint.PRIMARY) {
      reason = RouteReason.HINT;
      return primaryNode();
    }
    if (hint == Hint.REPLICA) {
      // An explicit choice of a replica: health and maxLag still apply, tokens do not.
      int replica = replicas.forHint();
      return replica >= 0 ? replica : primaryForRead();
    }
    if (!state.autoCommit) {
      // This statement starts a transaction, whatever it is.
      return state.readOnly ? replicaOrPrimary() : primaryNode();
    }
    StatementKind kind = c.kind();
    if (kind == StatementKind.SESSION_REPLAYABLE) {
      return anyOpenNode();
    }
    return kind == StatementKind.READ || kind == StatementKind.BEGIN_READ_ONLY
        ? replicaOrPrimary()
        : primaryNode();
  }

  /** Where a statement that can only be a write runs: the primary, unless a transaction is open. */
  int routeWrite() throws SQLException {
    checkOpen();
    reason = null;
    return txNode >= 0 ? txNode : primaryNode();
  }

  int primaryNode() throws SQLException {
    int p = cluster.snapshot().primary();
    if (p < 0) {
      throw Errors.unavailable(
          "No primary is reachable for a statement that must run on the primary; hosts: "
              + cluster.describeNodes(),
          null);
    }
    return p;
  }

  private int replicaOrPrimary() throws SQLException {
    if (state.isolation == TRANSACTION_SERIALIZABLE && !spec.dialect.replicasServeSerializable) {
      reason = RouteReason.TRANSACTION;
      return primaryNode();
    }
    int replica = replicas.forRead();
    return replica >= 0 ? replica : primaryForRead();
  }

  /** No replica qualifies: the primary, or an error that says why neither can serve the read. */
  private int primaryForRead() throws SQLException {
    ClusterSnapshot s = cluster.snapshot();
    int p = s.primary();
    if (p < 0) {
      throw Errors.unavailable(
          "No replica is usable within lagwise.maxLag="
              + spec.settings.maxLag.toMillis()
              + "ms and no primary is reachable; hosts: "
              + cluster.describeNodes(),
          null);
    }
    reason = NoReplicaReason.of(s, System.nanoTime(), replicas.maxLagNanos);
    return p;
  }

  /** For session SQL: a node already open (primary first), else wherever a read would go. */
  private int anyOpenNode() throws SQLException {
    int p = cluster.snapshot().primary();
    if (p >= 0 && slots[p] != null) {
      return p;
    }
    for (int i = 0; i < slots.length; i++) {
      if (slots[i] != null) {
        return i;
      }
    }
    return replicaOrPrimary();
  }

  /** The synced vendor connection for {@code node}, opened now if needed. */
  PhysicalConnection physical(int node) throws SQLException {
    PhysicalConnection pc = slots[node];
    if (pc == null) {
      pc = open(node);
    }
    pc.sync(state);
    return pc;
  }

  private PhysicalConnection open(int node) throws SQLException {
    HostSpec host = spec.hosts.get(node);
    Connection c;
    try {
      c = cluster.vendor.connect(spec.vendorUrl(host), spec.vendorProperties);
    } catch (SQLException e) {
      String message = Masking.scrub(e.getMessage(), spec.vendorProperties.getProperty("password"));
      cluster.monitor.reportFailure(node, message);
      throw Errors.unavailable(
          "Cannot connect to " + host + ": " + message + "; hosts: " + cluster.describeNodes(), e);
    }
    if (c == null) {
      throw Errors.unavailable("The vendor driver refused the URL for " + host, null);
    }
    PhysicalConnection pc = new PhysicalConnection(node, c);
    slots[node] = pc;
    return pc;
  }

  void beginStatement(int node) {
    replicas.started(node);
  }

  void endStatement(int node) {
    replicas.finished(node);
  }

  /** Bookkeeping after {@code sql} of this kind succeeded on {@code node}. */
  void executed(int node, StatementKind kind, String sql) {
    ClusterSnapshot s = cluster.snapshot();
    count(s, node, kind, sql);
    lastNode = node;
    if (kind == StatementKind.READ || kind == StatementKind.TRANSACTION_SCOPED) {
      // Statements that return data (a cursor FETCH is transaction-scoped). A write's position
      // is captured after it commits, which covers what it read.
      consistency.read(s, node, node == s.primary());
    }
    switch (kind) {
      case BEGIN:
      case BEGIN_READ_ONLY:
        txNode = node;
        return;
      case END_TRANSACTION:
        txNode = -1;
        if (consistency.transactionWrote) {
          consistency.transactionWrote = false;
          consistency.committed(slots[node].connection, !state.autoCommit);
        }
        return;
      case SESSION_PINNING:
        pinned = true;
        break;
      case SESSION_REPLAYABLE:
        if (state.sessionSql.size() >= SessionState.MAX_SESSION_SQL) {
          pinned = true;
        } else {
          state.sessionSql.add(sql);
          state.changed();
          slots[node].ranSessionSql(state);
        }
        break;
      case SESSION_RESET:
        pinned = false;
        state.sessionSql.clear();
        state.resetEpoch++;
        state.changed();
        slots[node].ranReset(state);
        break;
      default:
        break;
    }
    if (!state.autoCommit && txNode < 0) {
      txNode = node;
    }
    if (kind == StatementKind.WRITE || kind == StatementKind.SESSION_PINNING) {
      if (txNode >= 0) {
        consistency.transactionWrote = true;
      } else if (consistency.capturing()) {
        consistency.committed(slots[node].connection, false);
      }
    }
  }

  /**
   * Counts a statement that succeeded on {@code node}, before {@link #executed} updates the session
   * state it is judged by. A statement without SQL (a batch, a call) was not routed by {@link
   * #route}, so a reason left by routing that ran nothing (metadata, a savepoint) is ignored.
   */
  private void count(ClusterSnapshot s, int node, StatementKind kind, String sql) {
    RouteReason why = reason;
    reason = null;
    if (s.status(node) != NodeStatus.PRIMARY) {
      why = RouteReason.REPLICA;
    } else if (why == null || sql == null) {
      // In route's order: an open transaction, a pinned session, a transaction this starts.
      if (txNode >= 0) {
        why = RouteReason.TRANSACTION;
      } else if (pinned) {
        why = RouteReason.PINNED;
      } else {
        boolean starts = !state.autoCommit || kind == StatementKind.BEGIN;
        why = starts ? RouteReason.TRANSACTION : RouteReason.WRITE;
      }
    }
    cluster.counters.count(node, why);
  }

  /**
   * Decides whether a failed autocommit statement on a replica may run again elsewhere: after a
   * connection error (the replica is taken out of routing) or a read-only rejection (the SQL is
   * remembered as primary-only). Never inside a transaction and never for the primary.
   */
  boolean retryable(int node, String sql, SQLException e) {
    if (txNode >= 0 || !state.autoCommit || node == cluster.snapshot().primary()) {
      return false;
    }
    if (Errors.READ_ONLY_TRANSACTION.equals(e.getSQLState())) {
      classifier.markPrimaryOnly(sql);
      return true;
    }
    if (Errors.isConnectionError(e)) {
      dropPhysical(node);
      cluster.monitor.reportFailure(node, e.getMessage());
      replicas.forget(node);
      return true;
    }
    return false;
  }

  private void dropPhysical(int node) {
    PhysicalConnection pc = slots[node];
    if (pc != null) {
      slots[node] = null;
      pc.closeQuietly();
    }
  }

  void checkOpen() throws SQLException {
    if (closed) {
      throw Errors.closed("Connection");
    }
  }

  // ---------------------------------------------------------------- LagwiseConnection

  @Override
  public String lastNode() {
    return lastNode < 0 ? null : cluster.hostNames.get(lastNode);
  }

  @Override
  public LagwiseStats stats() {
    return cluster.stats();
  }

  @Override
  public boolean isPinnedToPrimary() {
    return pinned;
  }

  @Override
  public ConsistencyToken consistencyToken() throws SQLException {
    checkOpen();
    return consistency.token(cluster.snapshot(), this::primaryPositionNow);
  }

  /** The primary's current position, read without leaving a transaction open on it. */
  private long primaryPositionNow() throws SQLException {
    int node = txNode >= 0 ? txNode : primaryNode();
    Connection c = physical(node).connection;
    boolean toggle = !state.autoCommit && txNode < 0;
    if (toggle) {
      c.setAutoCommit(true);
    }
    try {
      return spec.dialect.currentPosition(c);
    } finally {
      if (toggle) {
        c.setAutoCommit(false);
      }
    }
  }

  @Override
  public void requireConsistency(ConsistencyToken token) throws SQLException {
    checkOpen();
    if (token == null) {
      throw Errors.invalid("requireConsistency needs a token, not null");
    }
    consistency.require(token);
  }

  // ---------------------------------------------------------------- statements

  @Override
  public Statement createStatement() throws SQLException {
    return createStatement(ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
  }

  @Override
  public Statement createStatement(int type, int concurrency) throws SQLException {
    return createStatement(type, concurrency, -1);
  }

  @Override
  public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
    checkOpen();
    return new LogicalStatement(this, type, concurrency, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    return prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, -1);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency)
      throws SQLException {
    return prepareStatement(sql, type, concurrency, -1);
  }

  /**
   * A statement that can only be a write is bound to the primary now, so its parameter setters are
   * straight delegates; anything else is routed at each execution.
   */
  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    Classification c = classify(sql);
    if (c.kind() == StatementKind.WRITE && c.hint() != Hint.REPLICA) {
      int node = primaryNode();
      Connection pc = physical(node).connection;
      PreparedStatement ps =
          holdability == -1
              ? pc.prepareStatement(sql, type, concurrency)
              : pc.prepareStatement(sql, type, concurrency, holdability);
      return new PrimaryPreparedStatement(this, node, sql, ps);
    }
    return new RoutedPreparedStatement(this, sql, type, concurrency, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    checkOpen();
    int node = primaryNode();
    return new PrimaryPreparedStatement(
        this, node, sql, physical(node).connection.prepareStatement(sql, autoGeneratedKeys));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    int node = primaryNode();
    return new PrimaryPreparedStatement(
        this, node, sql, physical(node).connection.prepareStatement(sql, columnIndexes));
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    checkOpen();
    int node = primaryNode();
    return new PrimaryPreparedStatement(
        this, node, sql, physical(node).connection.prepareStatement(sql, columnNames));
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    return prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, -1);
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
    return prepareCall(sql, type, concurrency, -1);
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    int node = primaryNode();
    Connection pc = physical(node).connection;
    CallableStatement cs =
        holdability == -1
            ? pc.prepareCall(sql, type, concurrency)
            : pc.prepareCall(sql, type, concurrency, holdability);
    return new PrimaryCallableStatement(this, node, cs);
  }

  /** A statement of a primary-bound prepared statement is about to run on {@code node}. */
  void beforePrimaryStatement(int node) throws SQLException {
    checkOpen();
    reason = null;
    if (txNode >= 0 && txNode != node) {
      throw new SQLException(
          "Cannot run a write in the read-only transaction open on replica "
              + cluster.hostNames.get(txNode),
          Errors.READ_ONLY_TRANSACTION);
    }
    physical(node);
  }

  // ---------------------------------------------------------------- transactions

  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    if (autoCommit == state.autoCommit) {
      return;
    }
    if (autoCommit && txNode >= 0) {
      // JDBC: switching autocommit on commits the open transaction.
      int node = txNode;
      physical(node);
      slots[node].connection.setAutoCommit(true);
      txNode = -1;
      if (consistency.transactionWrote) {
        consistency.transactionWrote = false;
        consistency.committed(slots[node].connection, false);
      }
    }
    state.autoCommit = autoCommit;
    state.changed();
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return state.autoCommit;
  }

  @Override
  public void commit() throws SQLException {
    checkOpen();
    if (state.autoCommit) {
      throw new SQLException("Cannot commit when autoCommit is enabled.", "25000");
    }
    if (txNode >= 0) {
      int node = txNode;
      txNode = -1;
      slots[node].connection.commit();
      if (consistency.transactionWrote) {
        consistency.transactionWrote = false;
        consistency.committed(slots[node].connection, true);
      }
    }
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    if (state.autoCommit) {
      throw new SQLException("Cannot rollback when autoCommit is enabled.", "25000");
    }
    if (txNode >= 0) {
      int node = txNode;
      txNode = -1;
      consistency.transactionWrote = false;
      PhysicalConnection pc = slots[node];
      if (pc != null) {
        pc.connection.rollback();
      }
    }
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    return transactionConnection().setSavepoint();
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    return transactionConnection().setSavepoint(name);
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    transactionConnection().rollback(savepoint);
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    transactionConnection().releaseSavepoint(savepoint);
  }

  /** The connection of the open transaction, starting it where a new one would start. */
  private Connection transactionConnection() throws SQLException {
    checkOpen();
    if (state.autoCommit) {
      throw new SQLException("Cannot use savepoints when autoCommit is enabled.", "25000");
    }
    if (txNode < 0) {
      int node = state.readOnly ? replicaOrPrimary() : primaryNode();
      physical(node);
      txNode = node;
    }
    return physical(txNode).connection;
  }

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    if (txNode >= 0 && readOnly != state.readOnly) {
      throw new SQLException(
          "Cannot change read-only mode in the middle of a transaction", "25001");
    }
    if (readOnly != state.readOnly) {
      state.readOnly = readOnly;
      state.changed();
    }
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return state.readOnly;
  }

  @Override
  public void setTransactionIsolation(int level) throws SQLException {
    checkOpen();
    if (level != TRANSACTION_READ_UNCOMMITTED
        && level != TRANSACTION_READ_COMMITTED
        && level != TRANSACTION_REPEATABLE_READ
        && level != TRANSACTION_SERIALIZABLE) {
      throw SessionState.invalidIsolation(level);
    }
    if (level != state.isolation) {
      state.isolation = level;
      state.changed();
    }
  }

  /**
   * The level set on this connection; before any, the level of an open vendor connection, or the
   * dialect's server default without opening one (a pool asks this of every new connection).
   */
  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    if (state.isolation != -1) {
      return state.isolation;
    }
    PhysicalConnection open = anyOpen();
    if (open != null) {
      return open.connection.getTransactionIsolation();
    }
    return spec.dialect == Dialect.POSTGRESQL
        ? TRANSACTION_READ_COMMITTED
        : TRANSACTION_REPEATABLE_READ;
  }

  private PhysicalConnection anyOpen() {
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        return pc;
      }
    }
    return null;
  }

  /** An open vendor connection, or a new one where a read would go. */
  private Connection anyConnection() throws SQLException {
    checkOpen();
    if (txNode >= 0) {
      return physical(txNode).connection;
    }
    return physical(anyOpenNode()).connection;
  }

  // ---------------------------------------------------------------- session state

  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    state.schemaSet = true;
    state.schema = schema;
    state.changed();
  }

  @Override
  public String getSchema() throws SQLException {
    checkOpen();
    return state.schemaSet ? state.schema : anyConnection().getSchema();
  }

  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
    state.catalogSet = true;
    state.catalog = catalog;
    state.changed();
  }

  @Override
  public String getCatalog() throws SQLException {
    checkOpen();
    return state.catalogSet ? state.catalog : anyConnection().getCatalog();
  }

  @Override
  public void setHoldability(int holdability) throws SQLException {
    checkOpen();
    if (holdability != ResultSet.HOLD_CURSORS_OVER_COMMIT
        && holdability != ResultSet.CLOSE_CURSORS_AT_COMMIT) {
      throw Errors.invalid("Invalid holdability " + holdability);
    }
    state.holdability = holdability;
    state.changed();
  }

  @Override
  public int getHoldability() throws SQLException {
    checkOpen();
    if (state.holdability != -1) {
      return state.holdability;
    }
    PhysicalConnection open = anyOpen();
    return open != null ? open.connection.getHoldability() : ResultSet.CLOSE_CURSORS_AT_COMMIT;
  }

  @Override
  public void setNetworkTimeout(Executor executor, int milliseconds) throws SQLException {
    checkOpen();
    if (milliseconds < 0) {
      throw Errors.invalid("Network timeout must be >= 0: " + milliseconds);
    }
    state.networkTimeoutExecutor = executor;
    state.networkTimeoutMillis = milliseconds;
    state.changed();
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    return Math.max(0, state.networkTimeoutMillis);
  }

  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    Properties p = new Properties();
    if (state.clientInfo != null) {
      p.putAll(state.clientInfo);
    }
    if (value == null) {
      p.remove(name);
    } else {
      p.setProperty(name, value);
    }
    setClientInfo(p);
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    if (closed) {
      throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
    }
    Properties copy = new Properties();
    copy.putAll(properties);
    state.clientInfo = copy;
    state.changed();
  }

  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    return state.clientInfo != null ? state.clientInfo.getProperty(name) : null;
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    Properties p = new Properties();
    if (state.clientInfo != null) {
      p.putAll(state.clientInfo);
    }
    return p;
  }

  @Override
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return state.typeMap != null ? state.typeMap : anyConnection().getTypeMap();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    state.typeMap = map;
    state.changed();
  }

  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    SQLWarning all = warnings;
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        SQLWarning w = pc.connection.getWarnings();
        if (w != null) {
          if (all == null) {
            all = w;
          } else {
            all.setNextWarning(w);
          }
        }
      }
    }
    warnings = all;
    return all;
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
    for (PhysicalConnection pc : slots) {
      if (pc != null) {
        pc.connection.clearWarnings();
      }
    }
  }

  // ---------------------------------------------------------------- factories on a vendor
  // connection

  @Override
  public String nativeSQL(String sql) throws SQLException {
    return anyConnection().nativeSQL(sql);
  }

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    return new LogicalDatabaseMetaData(this, anyConnection().getMetaData());
  }

  @Override
  public Clob createClob() throws SQLException {
    return anyConnection().createClob();
  }

  @Override
  public Blob createBlob() throws SQLException {
    return anyConnection().createBlob();
  }

  @Override
  public NClob createNClob() throws SQLException {
    return anyConnection().createNClob();
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    return anyConnection().createSQLXML();
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    return anyConnection().createArrayOf(typeName, elements);
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    return anyConnection().createStruct(typeName, attributes);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Valid while not closed, no open transaction or pinned state sits on a dead connection, and some
   * host is reachable. A dead vendor connection outside a transaction is dropped and reopened on
   * next use, so a replica restart does not invalidate pooled connections. Opens nothing.
   */
  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw Errors.invalid("isValid timeout must be >= 0: " + timeout);
    }
    if (closed) {
      return false;
    }
    for (int i = 0; i < slots.length; i++) {
      PhysicalConnection pc = slots[i];
      if (pc != null && !pc.connection.isValid(timeout)) {
        if (i == txNode || (pinned && i == cluster.snapshot().primary())) {
          return false;
        }
        dropPhysical(i);
      }
    }
    return cluster.anyNodeUp();
  }

  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    closed = true;
    SQLException first = null;
    for (int i = 0; i < slots.length; i++) {
      PhysicalConnection pc = slots[i];
      slots[i] = null;
      if (pc != null) {
        try {
          pc.connection.close();
        } catch (SQLException e) {
          first = first == null ? e : first;
        }
      }
    }
    cluster.release();
    if (first != null) {
      throw first;
    }
  }

  @Override
  public boolean isClosed() {
    return closed;
  }

  @Override
  public void abort(Executor executor) throws SQLException {
    if (executor == null) {
      throw Errors.invalid("abort requires an executor");
    }
    if (closed) {
      return;
    }
    closed = true;
    for (int i = 0; i < slots.length; i++) {
      PhysicalConnection pc = slots[i];
      slots[i] = null;
      if (pc != null) {
        pc.connection.abort(executor);
      }
    }
    cluster.release();
  }

  // ---------------------------------------------------------------- wrapper

  /** Lagwise's own interfaces first; anything else (e.g. PGConnection) from the primary. */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    Connection primary = physical(routeWrite()).connection;
    if (iface.isInstance(primary)) {
      return iface.cast(primary);
    }
    return primary.unwrap(iface);
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return true;
    }
    Connection primary = physical(routeWrite()).connection;
    return iface.isInstance(primary) || primary.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "LagwiseConnection[" + spec + (closed ? ", closed" : "") + "]";
  }
}
