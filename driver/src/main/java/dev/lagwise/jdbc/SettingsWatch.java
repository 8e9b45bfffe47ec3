package dev.lagwise.jdbc;

import dev.lagwise.routing.Router;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Objects;

/**
 * The session settings of one PostgreSQL vendor connection, read around a statement that calls a
 * function or procedure Lagwise does not know ({@code Classification#callsFunction}): its body may
 * change them ({@code PERFORM set_config('search_path', ...)} in PL/pgSQL) with no command tag to
 * say so, and servers before PostgreSQL 18 report no such change. Lagwise cannot replay what it
 * cannot see, so a change pins the session to that node, as a direct {@code set_config} does.
 *
 * <p>Costs one round trip after each such statement, and one before it when the settings known are
 * stale (the session's state changed since they were read); nothing for other statements.
 */
final class SettingsWatch {

  /** Every setting the session changed ({@code SET}, {@code set_config}), one string. */
  private static final String QUERY =
      "SELECT string_agg(name || '=' || setting, E'\\n' ORDER BY name)"
          + " FROM pg_catalog.pg_settings WHERE source = 'session'";

  private String seen;
  private int routerVersion = -1;
  private int sessionVersion = -1;

  /**
   * Before the statement runs on {@code pc}: reads the settings unless those read last are still
   * the connection's (no session change was applied since).
   */
  void before(PhysicalConnection pc, Router r, SessionState s) throws SQLException {
    if (routerVersion != r.version() || sessionVersion != s.version) {
      seen = read(pc);
      routerVersion = r.version();
      sessionVersion = s.version;
    }
  }

  /**
   * After it ran: true when the settings differ from those before, or cannot be read (the statement
   * succeeded; its failure to be checked must not become the application's).
   */
  boolean changedOrUnknown(PhysicalConnection pc) {
    String now;
    try {
      now = read(pc);
    } catch (SQLException e) {
      routerVersion = -1;
      return true;
    }
    boolean changed = !Objects.equals(now, seen);
    seen = now;
    return changed;
  }

  private static String read(PhysicalConnection pc) throws SQLException {
    try (Statement st = pc.connection.createStatement();
        ResultSet rs = st.executeQuery(QUERY)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
