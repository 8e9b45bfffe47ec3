package dev.lagwise.it.diff;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.Node;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The harness's own direct vendor connection to the primary: creates the tables, puts them back in
 * their initial state before each side runs, and reads what the primary holds.
 *
 * <p>Initial state: {@code diff_items} with rows 1 'a' 1, 2 'b' 2, 3 'dup' 3 and its id sequence
 * restarted (so both sides generate the same keys), no {@code diff_aux}.
 */
final class Tables implements AutoCloseable {

  private final Engine engine;
  private final Node primary;
  private Connection admin;
  private boolean auxMayExist = true;

  Tables(Engine engine, Node primary) throws SQLException {
    this.engine = engine;
    this.primary = primary;
    create();
  }

  private Statement statement() throws SQLException {
    if (admin == null || !admin.isValid(5)) {
      admin = primary.connect();
      try (Statement s = admin.createStatement()) {
        // a transaction leaked by the side under test must not hang the harness
        s.execute(
            engine == Engine.POSTGRESQL
                ? "SET lock_timeout = '10s'"
                : "SET SESSION lock_wait_timeout = 10, innodb_lock_wait_timeout = 10");
      }
    }
    return admin.createStatement();
  }

  private void create() throws SQLException {
    try (Statement s = statement()) {
      s.execute("DROP TABLE IF EXISTS " + Kind.TABLE);
      s.execute(
          engine == Engine.POSTGRESQL
              ? "CREATE TABLE "
                  + Kind.TABLE
                  + " (id serial PRIMARY KEY, k varchar(20) NOT NULL UNIQUE, v int NOT NULL)"
              : "CREATE TABLE "
                  + Kind.TABLE
                  + " (id int AUTO_INCREMENT PRIMARY KEY, k varchar(20) NOT NULL UNIQUE,"
                  + " v int NOT NULL) ENGINE=InnoDB");
    }
    reset();
  }

  void reset() throws SQLException {
    try (Statement s = statement()) {
      s.execute(
          engine == Engine.POSTGRESQL
              ? "TRUNCATE " + Kind.TABLE + " RESTART IDENTITY"
              : "TRUNCATE TABLE " + Kind.TABLE);
      s.execute("INSERT INTO " + Kind.TABLE + " (k, v) VALUES ('a', 1), ('b', 2), ('dup', 3)");
      if (auxMayExist) {
        s.execute("DROP TABLE IF EXISTS " + Kind.AUX);
        auxMayExist = false;
      }
    }
  }

  /** The rows of {@code diff_items} and the columns of {@code diff_aux} as the primary has them. */
  String state() {
    try (Statement s = statement()) {
      String rows;
      try (ResultSet rs = s.executeQuery(Kind.SELECT_ALL_SQL)) {
        rows = Side.rows(rs);
      }
      StringBuilder aux = new StringBuilder();
      try (ResultSet rs =
          s.executeQuery(
              "SELECT column_name FROM information_schema.columns WHERE table_name = '"
                  + Kind.AUX
                  + "' AND table_schema = "
                  + (engine == Engine.POSTGRESQL ? "current_schema()" : "DATABASE()")
                  + " ORDER BY ordinal_position")) {
        while (rs.next()) {
          aux.append(aux.length() == 0 ? "" : ",").append(rs.getString(1));
        }
      }
      if (aux.length() > 0) {
        auxMayExist = true;
      }
      return rows + " " + Kind.AUX + "(" + (aux.length() == 0 ? "absent" : aux) + ")";
    } catch (SQLException e) {
      return "unreadable: " + Side.error(e).compared();
    }
  }

  @Override
  public void close() throws SQLException {
    if (admin != null) {
      admin.close();
    }
  }
}
