package dev.lagwise.jdbc;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Executor;

/**
 * The session as the application set it: JDBC state and replayable SQL ({@code SET ...}). Physical
 * connections catch up lazily, before their next statement ({@link PhysicalConnection#sync}), so a
 * pool resetting autocommit or read-only on return costs no round trip and opens nothing. Every
 * change bumps {@link #version}; a physical connection whose synced version matches needs nothing.
 */
final class SessionState {

  /** Recorded SET statements beyond this pin the session to the primary instead. */
  static final int MAX_SESSION_SQL = 256;

  int version;
  boolean autoCommit = true;
  boolean readOnly;

  /** -1 until set: each physical connection keeps the server default. */
  int isolation = -1;

  boolean schemaSet;
  String schema;
  boolean catalogSet;
  String catalog;
  int holdability = -1;
  int networkTimeoutMillis = -1;
  Executor networkTimeoutExecutor;
  Properties clientInfo;
  Map<String, Class<?>> typeMap;

  /** Replayable session SQL in execution order; a physical connection replays what it lacks. */
  final List<String> sessionSql = new ArrayList<>();

  /** Bumped by DISCARD ALL: a physical connection from an older epoch must discard first. */
  int resetEpoch;

  void changed() {
    version++;
  }

  static SQLException invalidIsolation(int level) {
    return Errors.invalid("Invalid transaction isolation level " + level);
  }
}
