package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session as the application set it, beyond what routing decides on ({@code Router} owns
 * autocommit, read-only and isolation): replayable session SQL ({@code SET ...}) and the JDBC
 * setters with the same effect, in the application's order, plus settings applied by comparison.
 * Physical connections catch up lazily before their next statement ({@link
 * PhysicalConnection#sync}) by replaying the {@link Op}s they have not applied, so a pool resetting
 * state on return costs no round trip and opens nothing.
 *
 * <p>Order: {@code SET search_path} then {@code setSchema} replays in that order on a host opened
 * later, and the later wins, as on one vendor connection. A JDBC setter replaces its earlier op, so
 * the list does not grow with repeated calls.
 *
 * <p>Transactions: ops recorded inside a transaction on a server that undoes session changes on
 * rollback (PostgreSQL) are provisional: dropped when it rolls back ({@link #rolledBack}), kept
 * when it commits ({@link #committed}). Only the transaction's own connection ever applied them,
 * and its server undid them.
 */
final class SessionState {

  /** Recorded session SQL beyond this pins the session to the primary instead. */
  static final int MAX_OPS = 256;

  static final int SQL = 0;
  static final int SCHEMA = 1;
  static final int CATALOG = 2;
  static final int CLIENT_INFO = 3;
  static final int VENDOR = 4;

  /**
   * A setting made through a vendor extension interface ({@code PGConnection.addDataType}, {@code
   * setPrepareThreshold}): client-side state of the vendor connection, so {@code DISCARD ALL} and a
   * rollback keep it. The newest setting per {@link #key} wins.
   */
  interface VendorSetting {

    /** Settings with equal keys replace each other. */
    String key();

    /** The value an application reads back. */
    Object value();

    void applyTo(Connection c) throws SQLException;
  }

  /** One replayable change, applied to a physical connection in sequence order. */
  record Op(long seq, int type, Object value, boolean provisional) {

    void apply(Connection c) throws SQLException {
      switch (type) {
        case SQL:
          try (Statement s = c.createStatement()) {
            s.execute((String) value);
          }
          break;
        case SCHEMA:
          c.setSchema((String) value);
          break;
        case CATALOG:
          c.setCatalog((String) value);
          break;
        case VENDOR:
          ((VendorSetting) value).applyTo(c);
          break;
        default:
          c.setClientInfo((Properties) value);
      }
    }
  }

  /** Bumped by every change; a physical connection whose synced version matches needs nothing. */
  int version;

  /** Replayable changes in the application's order. */
  final List<Op> ops = new ArrayList<>();

  /** Sequence of the newest op ever recorded. */
  long lastSeq;

  /** Bumped by DISCARD ALL: a physical connection from an older epoch must discard first. */
  int resetEpoch;

  /** The latest value per JDBC setter type (also in {@link #ops}); null until set. */
  String schema;

  String catalog;
  Properties clientInfo;

  int holdability = -1;
  int networkTimeoutMillis = -1;
  Executor networkTimeoutExecutor;
  Map<String, Class<?>> typeMap;

  /** Records a change; false when the list is full (the caller pins the session instead). */
  boolean record(int type, Object value, boolean provisional) {
    if (type != SQL && type != VENDOR && !provisional) {
      // Keep one committed op per setter: the newest.
      ops.removeIf(o -> o.type() == type && !o.provisional());
    }
    if (ops.size() >= MAX_OPS) {
      return false;
    }
    ops.add(new Op(++lastSeq, type, value, provisional));
    version++;
    return true;
  }

  /** Records a vendor setting, replacing the older one of its key; false when the list is full. */
  boolean recordVendor(VendorSetting setting) {
    ops.removeIf(
        o -> o.type() == VENDOR && ((VendorSetting) o.value()).key().equals(setting.key()));
    return record(VENDOR, setting, false);
  }

  /** The newest vendor setting of {@code key}, or null. */
  VendorSetting vendorSetting(String key) {
    for (int i = ops.size() - 1; i >= 0; i--) {
      Op o = ops.get(i);
      if (o.type() == VENDOR && ((VendorSetting) o.value()).key().equals(key)) {
        return (VendorSetting) o.value();
      }
    }
    return null;
  }

  void committed() {
    boolean any = false;
    for (int i = 0; i < ops.size(); i++) {
      Op o = ops.get(i);
      if (o.provisional()) {
        ops.set(i, new Op(o.seq(), o.type(), o.value(), false));
        any = true;
      }
    }
    if (any) {
      version++;
    }
  }

  void rolledBack() {
    if (ops.removeIf(Op::provisional)) {
      version++;
    }
  }

  /** DISCARD ALL: the server forgets the session; the vendor driver's own settings stay. */
  void reset() {
    ops.removeIf(o -> o.type() != VENDOR);
    resetEpoch++;
    version++;
  }

  void changed() {
    version++;
  }

  static SQLException invalidIsolation(int level) {
    return Errors.invalid("Invalid transaction isolation level " + level);
  }
}
