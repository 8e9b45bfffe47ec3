package dev.lagwise.jdbc;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.LagwiseStats;
import dev.lagwise.routing.Classification;
import dev.lagwise.routing.Router;
import dev.lagwise.routing.SqlClassifier;
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
 * The connection the application holds: the JDBC surface of one logical connection. Where each
 * statement runs and every transaction and session rule is {@link Router}'s; statements run through
 * the shared {@link Exchange}; vendor connections, one per host and opened on first use, are in
 * {@link Physicals}; replayable session state is in {@link SessionState}. Nothing here allocates or
 * locks for a statement whose classification is cached.
 *
 * <p>Not final: with a vendor driver present, connections are a generated subclass that also
 * implements the vendor's extension interface ({@link VendorTypes}).
 */
class LogicalConnection implements LagwiseConnection {

  final Cluster cluster;
  final ConnectionSpec spec;
  final SqlClassifier classifier;
  final SessionState state = new SessionState();
  final Router router;
  final Physicals physicals;
  final Exchange exchange;
  private final TransactionControl transactions;
  private final StatementFactory statements;

  private boolean closed;

  /** Lagwise's own warnings, with the vendor connections' linked behind them once asked for. */
  private SQLWarning warnings;

  LogicalConnection(Cluster cluster, ConnectionSpec spec) {
    this.cluster = cluster;
    this.spec = spec;
    this.classifier = cluster.classifier(spec.settings);
    this.router = cluster.newRouter(spec);
    this.physicals = new Physicals(cluster, spec);
    this.exchange = new Exchange(this, router, physicals, state);
    this.transactions = new TransactionControl(this);
    this.statements = new StatementFactory(this);
  }

  Classification classify(String sql) {
    return classifier.classify(sql);
  }

  /** The synced vendor connection of {@code node}. */
  PhysicalConnection physical(int node) throws SQLException {
    return physicals.prepare(node, router, state);
  }

  /**
   * The vendor connection for a connection-level call that may query (metadata, schema, types): the
   * transaction's node, else where a read would go; with autocommit off it begins the transaction
   * there, as the vendor call would, so commit and rollback end it.
   */
  PhysicalConnection forConnectionCall() throws SQLException {
    checkOpen();
    int node = router.routeConnectionCall();
    boolean opening = physicals.existing(node) == null;
    PhysicalConnection pc = physical(node);
    if (opening && router.connectionCallRefused(node)) {
      // The replica's new connection revealed a serializable default (ALTER DATABASE ... SET
      // default_transaction_isolation) that a standby refuses: routed again, as a statement is
      // (Exchange#run), now to the primary.
      pc = physical(router.routeConnectionCall());
    }
    router.sent();
    return pc;
  }

  void checkOpen() throws SQLException {
    if (closed) {
      throw Errors.connectionClosed(spec.dialect);
    }
  }

  /** The flag alone, without {@link #isClosed()}'s look at the vendor connections. */
  boolean closed() {
    return closed;
  }

  /**
   * The vendor connection that held the open transaction or unreplayable state is gone: this
   * connection is closed, as the vendor's is after a fatal error, so that pools see it.
   */
  void lost() {
    if (!closed) {
      closed = true;
      try {
        physicals.closeQuietly();
      } finally {
        cluster.release();
      }
    }
  }

  // ---------------------------------------------------------------- LagwiseConnection

  @Override
  public String lastNode() {
    int node = router.lastNode();
    return node < 0 ? null : cluster.hostNames.get(node);
  }

  @Override
  public LagwiseStats stats() {
    return cluster.stats();
  }

  @Override
  public boolean isPinnedToPrimary() {
    return router.isPinned();
  }

  /** What this connection's reads must see, as a portable token; null when nothing. */
  @Override
  public ConsistencyToken consistencyToken() throws SQLException {
    checkOpen();
    return exchange.consistencyToken();
  }

  @Override
  public void requireConsistency(ConsistencyToken token) throws SQLException {
    checkOpen();
    if (token == null) {
      throw Errors.invalid("requireConsistency needs a token, not null");
    }
    router.positions().require(cluster.positions.required(token));
  }

  // ---------------------------------------------------------------- statements

  @Override
  public Statement createStatement() throws SQLException {
    checkOpen();
    return cluster.types.statements.make(
        this, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, -2);
  }

  @Override
  public Statement createStatement(int type, int concurrency) throws SQLException {
    checkOpen();
    ResultSetArgs.check(this, ResultSetArgs.STATEMENT, null, type, concurrency);
    return statements.create(type, concurrency, -1);
  }

  @Override
  public Statement createStatement(int type, int concurrency, int holdability) throws SQLException {
    checkOpen();
    ResultSetArgs.check(this, ResultSetArgs.STATEMENT, null, type, concurrency, holdability);
    return statements.create(type, concurrency, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql) throws SQLException {
    checkOpen();
    return statements.prepare(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, -2);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency)
      throws SQLException {
    checkOpen();
    ResultSetArgs.check(this, ResultSetArgs.PREPARE, sql, type, concurrency);
    return statements.prepare(sql, type, concurrency, -1);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    ResultSetArgs.check(this, ResultSetArgs.PREPARE, sql, type, concurrency, holdability);
    return statements.prepare(sql, type, concurrency, holdability);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int autoGeneratedKeys) throws SQLException {
    checkOpen();
    return autoGeneratedKeys == Statement.NO_GENERATED_KEYS
        ? prepareStatement(sql)
        : statements.prepareKeyed(sql, autoGeneratedKeys, null, null);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, int[] columnIndexes) throws SQLException {
    checkOpen();
    return statements.prepareKeyed(sql, -1, columnIndexes, null);
  }

  @Override
  public PreparedStatement prepareStatement(String sql, String[] columnNames) throws SQLException {
    checkOpen();
    return statements.prepareKeyed(sql, -1, null, columnNames);
  }

  @Override
  public CallableStatement prepareCall(String sql) throws SQLException {
    checkOpen();
    return statements.prepareCall(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY, -1);
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency) throws SQLException {
    checkOpen();
    ResultSetArgs.check(this, ResultSetArgs.CALL, sql, type, concurrency);
    return statements.prepareCall(sql, type, concurrency, -1);
  }

  @Override
  public CallableStatement prepareCall(String sql, int type, int concurrency, int holdability)
      throws SQLException {
    checkOpen();
    ResultSetArgs.check(this, ResultSetArgs.CALL, sql, type, concurrency, holdability);
    return statements.prepareCall(sql, type, concurrency, holdability);
  }

  // ---------------------------------------------------------------- transactions

  /** JDBC: switching autocommit on commits the open transaction. */
  @Override
  public void setAutoCommit(boolean autoCommit) throws SQLException {
    checkOpen();
    transactions.setAutoCommit(autoCommit);
  }

  @Override
  public boolean getAutoCommit() throws SQLException {
    checkOpen();
    return router.autoCommit();
  }

  @Override
  public void commit() throws SQLException {
    checkOpen();
    transactions.end(true);
  }

  @Override
  public void rollback() throws SQLException {
    checkOpen();
    transactions.end(false);
  }

  @Override
  public Savepoint setSavepoint() throws SQLException {
    checkOpen();
    return transactions.savepointConnection().setSavepoint();
  }

  @Override
  public Savepoint setSavepoint(String name) throws SQLException {
    checkOpen();
    return transactions.savepointConnection().setSavepoint(name);
  }

  @Override
  public void rollback(Savepoint savepoint) throws SQLException {
    checkOpen();
    transactions.openTransaction().rollback(savepoint);
  }

  @Override
  public void releaseSavepoint(Savepoint savepoint) throws SQLException {
    checkOpen();
    transactions.openTransaction().releaseSavepoint(savepoint);
  }

  @Override
  public void setReadOnly(boolean readOnly) throws SQLException {
    checkOpen();
    router.setReadOnly(readOnly);
  }

  @Override
  public boolean isReadOnly() throws SQLException {
    checkOpen();
    return router.readOnly();
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
    router.setIsolation(level);
  }

  /**
   * The level set on this connection through JDBC or SQL (the open transaction's own, after {@code
   * SET TRANSACTION}); before any, the level of an open vendor connection, or the dialect's server
   * default without opening one (a pool asks this of every new connection).
   */
  @Override
  public int getTransactionIsolation() throws SQLException {
    checkOpen();
    if (router.reportedIsolation() != -1) {
      return router.reportedIsolation();
    }
    PhysicalConnection open = physicals.anyOpen();
    if (open != null) {
      return open.connection.getTransactionIsolation();
    }
    return spec.dialect == Dialect.POSTGRESQL
        ? TRANSACTION_READ_COMMITTED
        : TRANSACTION_REPEATABLE_READ;
  }

  // ---------------------------------------------------------------- session state

  @Override
  public void setSchema(String schema) throws SQLException {
    checkOpen();
    state.schema = schema;
    recordSetter(SessionState.SCHEMA, schema);
  }

  /** From a vendor connection brought up to the session: SET search_path counts too. */
  @Override
  public String getSchema() throws SQLException {
    return forConnectionCall().connection.getSchema();
  }

  @Override
  public void setCatalog(String catalog) throws SQLException {
    checkOpen();
    state.catalog = catalog;
    recordSetter(SessionState.CATALOG, catalog);
  }

  @Override
  public String getCatalog() throws SQLException {
    checkOpen();
    PhysicalConnection open = physicals.anyOpen();
    if (state.catalog != null || open == null) {
      return state.catalog != null ? state.catalog : forConnectionCall().connection.getCatalog();
    }
    return physical(open.node).connection.getCatalog();
  }

  private void recordSetter(int type, Object value) {
    if (!state.record(type, value, router.sessionSqlIsProvisional())) {
      router.pin(router.inTransaction() ? router.transactionNode() : cluster.snapshot().primary());
    }
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
    PhysicalConnection open = physicals.anyOpen();
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
    physicals.applyNetworkTimeout(state);
  }

  @Override
  public int getNetworkTimeout() throws SQLException {
    checkOpen();
    return Math.max(0, state.networkTimeoutMillis);
  }

  /**
   * PgJDBC knows one client-info name, {@code ApplicationName}; any other it ignores with a warning
   * on the connection (0A000), and so does Lagwise. MariaDB Connector/J and MySQL Connector/J keep
   * any name, silently.
   */
  @Override
  public void setClientInfo(String name, String value) throws SQLClientInfoException {
    if (!closed && spec.dialect == Dialect.POSTGRESQL && !"ApplicationName".equals(name)) {
      warn(new SQLWarning("ClientInfo property not supported.", Errors.FEATURE_NOT_SUPPORTED));
      return;
    }
    Properties p = getClientInfoCopy();
    if (value == null) {
      p.remove(name);
    } else {
      p.setProperty(name, value);
    }
    setClientInfo(p);
  }

  private Properties getClientInfoCopy() {
    Properties p = new Properties();
    if (state.clientInfo != null) {
      p.putAll(state.clientInfo);
    }
    return p;
  }

  @Override
  public void setClientInfo(Properties properties) throws SQLClientInfoException {
    if (closed) {
      throw new SQLClientInfoException("Connection is closed", "08003", 0, Map.of());
    }
    Properties copy = new Properties();
    copy.putAll(properties);
    state.clientInfo = copy;
    recordSetter(SessionState.CLIENT_INFO, copy);
  }

  /**
   * As the vendor connection reports it once brought up to the session, so that {@code SET
   * application_name} counts as on PgJDBC; before any is open, what was set, else the URL's.
   */
  @Override
  public String getClientInfo(String name) throws SQLException {
    checkOpen();
    PhysicalConnection pc = ClientInfo.source(this);
    return pc != null ? pc.connection.getClientInfo(name) : ClientInfo.unopened(this, name);
  }

  @Override
  public Properties getClientInfo() throws SQLException {
    checkOpen();
    PhysicalConnection pc = ClientInfo.source(this);
    return pc != null ? pc.connection.getClientInfo() : ClientInfo.unopened(this);
  }

  @Override
  public Map<String, Class<?>> getTypeMap() throws SQLException {
    checkOpen();
    return state.typeMap != null ? state.typeMap : forConnectionCall().connection.getTypeMap();
  }

  @Override
  public void setTypeMap(Map<String, Class<?>> map) throws SQLException {
    checkOpen();
    state.typeMap = map;
    state.changed();
  }

  /**
   * Lagwise's own warnings (a refused client-info name), then the vendor connections' (chained
   * once: a warning already in the chain is not linked again, which would make it a cycle).
   */
  @Override
  public SQLWarning getWarnings() throws SQLException {
    checkOpen();
    SQLWarning vendor = physicals.warnings(null);
    if (warnings == null || vendor == null) {
      return warnings != null ? warnings : vendor;
    }
    SQLWarning w = warnings;
    while (w != vendor && w.getNextWarning() != null) {
      w = w.getNextWarning();
    }
    if (w != vendor) {
      w.setNextWarning(vendor);
    }
    return warnings;
  }

  private void warn(SQLWarning w) {
    if (warnings == null) {
      warnings = w;
    } else {
      warnings.setNextWarning(w);
    }
  }

  @Override
  public void clearWarnings() throws SQLException {
    checkOpen();
    warnings = null;
    physicals.clearWarnings();
  }

  // ---------------------------------------------------------------- connection-level calls

  @Override
  public String nativeSQL(String sql) throws SQLException {
    checkOpen();
    PhysicalConnection open = physicals.anyOpen();
    return (open != null ? open : forConnectionCall()).connection.nativeSQL(sql);
  }

  @Override
  public DatabaseMetaData getMetaData() throws SQLException {
    // Routed as PgJDBC's getMetaData() begins a transaction with autocommit off; each of its
    // queries is then routed on its own (LogicalDatabaseMetaData).
    forConnectionCall();
    return DelegateFactory.metaData(this);
  }

  @Override
  public Clob createClob() throws SQLException {
    return forConnectionCall().connection.createClob();
  }

  @Override
  public Blob createBlob() throws SQLException {
    return forConnectionCall().connection.createBlob();
  }

  @Override
  public NClob createNClob() throws SQLException {
    return forConnectionCall().connection.createNClob();
  }

  @Override
  public SQLXML createSQLXML() throws SQLException {
    return forConnectionCall().connection.createSQLXML();
  }

  @Override
  public Array createArrayOf(String typeName, Object[] elements) throws SQLException {
    return forConnectionCall().connection.createArrayOf(typeName, elements);
  }

  @Override
  public Struct createStruct(String typeName, Object[] attributes) throws SQLException {
    return forConnectionCall().connection.createStruct(typeName, attributes);
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Valid while not closed, every open vendor connection answers, and some host is reachable. Asks
   * every open vendor connection (the primary's, opened by getConnection, among them); opens
   * nothing. A dead one makes the answer false and closes this connection, as PgJDBC closes its own
   * on the broken socket: pools (HikariCP) evict on false and open a new one, and a connection that
   * answered false once must not answer true to the next call with nothing repaired.
   */
  @Override
  public boolean isValid(int timeout) throws SQLException {
    if (timeout < 0) {
      throw Errors.invalid("isValid timeout must be >= 0: " + timeout);
    }
    if (closed) {
      return false;
    }
    if (!physicals.validate(timeout, router.transactionNode(), router.pinnedNode())) {
      lost();
      return false;
    }
    return cluster.anyNodeUp();
  }

  /**
   * Closes every vendor connection (an open transaction rolls back, as on the vendor driver). A
   * session unwrapped to a vendor object may have written through it unseen: its position is
   * captured first, so the JVM's other connections read those writes.
   */
  @Override
  public void close() throws SQLException {
    if (closed) {
      return;
    }
    if (router.hasVendorWrites() && !router.inTransaction()) {
      exchange.apply(router.wroteOutside(router.pinnedNode()), null, null);
    }
    if (router.inTransaction()) {
      // A transaction the vendor says is over (MySQL's implicit commits) committed: captured.
      PhysicalConnection pc = physicals.existing(router.transactionNode());
      Boolean open = pc == null ? null : spec.dialect.transactionOpen(pc.connection);
      if (open != null && !open) {
        exchange.apply(router.transactionStateSeen(pc.node, false), pc, null);
      }
    }
    closed = true;
    try {
      physicals.closeAll();
    } finally {
      cluster.release();
    }
  }

  /** Also true once the vendor closed the connection holding the transaction or pinned state. */
  @Override
  public boolean isClosed() {
    if (!closed && physicals.anyClosed(router.transactionNode(), router.pinnedNode())) {
      lost();
    }
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
    try {
      physicals.abortAll(executor);
    } finally {
      cluster.release();
    }
  }

  // ---------------------------------------------------------------- wrapper

  /**
   * Lagwise's own interfaces first. Anything else (PGConnection for COPY or large objects) is the
   * vendor connection of the open transaction's node, else the primary's: the session is pinned
   * there from now on and counts as writing, since what is done through it is invisible here.
   */
  @Override
  public <T> T unwrap(Class<T> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return iface.cast(this);
    }
    return iface.cast(vendorTarget(iface));
  }

  /**
   * The vendor connection behind a vendor-interface method Lagwise gives no semantics of its own
   * (see {@link VendorClasses}): as {@link #unwrap}, pinned and counted as writing.
   */
  Object vendorTarget(Class<?> iface) throws SQLException {
    checkOpen();
    Connection vendor = physical(router.routeVendorAccess()).connection;
    return iface.isInstance(vendor) ? vendor : vendor.unwrap(iface);
  }

  /** {@link #vendorTarget} for a vendor method that declares no SQLException. */
  Object vendorTargetUnchecked(Class<?> iface) {
    try {
      return vendorTarget(iface);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  @Override
  public boolean isWrapperFor(Class<?> iface) throws SQLException {
    if (iface.isInstance(this)) {
      return true;
    }
    checkOpen();
    Connection vendor = physical(router.writeNode()).connection;
    return iface.isInstance(vendor) || vendor.isWrapperFor(iface);
  }

  @Override
  public String toString() {
    return "LagwiseConnection[" + spec + (closed ? ", closed" : "") + "]";
  }
}
