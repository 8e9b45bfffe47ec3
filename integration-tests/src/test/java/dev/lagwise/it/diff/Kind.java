package dev.lagwise.it.diff;

import dev.lagwise.testkit.Engine;

/**
 * The vocabulary of the differential harness: every JDBC operation a sequence can contain, with its
 * weight in random sequences, the engines it applies to and how many argument values it takes
 * ({@link Op#arg()} picks ids, values and variants; {@code 1} means "no argument").
 *
 * <p>The SQL text lives here so that both sides of a comparison, the failure message and the case
 * table all use one spelling. {@link Side} executes the operations.
 */
enum Kind {
  // JDBC session state
  AUTOCOMMIT_ON(4, Scope.BOTH, 1),
  AUTOCOMMIT_OFF(5, Scope.BOTH, 1),
  READ_ONLY_ON(3, Scope.BOTH, 1),
  READ_ONLY_OFF(3, Scope.BOTH, 1),
  /** arg 0 READ_COMMITTED, 1 REPEATABLE_READ, 2 SERIALIZABLE. */
  ISOLATION(3, Scope.BOTH, 3),
  // reads through a plain Statement
  SELECT_ALL(5, Scope.BOTH, 1),
  SELECT_BY_ID(4, Scope.BOTH, 6),
  COUNT(3, Scope.BOTH, 1),
  // writes through a plain Statement
  INSERT(6, Scope.BOTH, 100),
  UPDATE(4, Scope.BOTH, 6),
  DELETE(3, Scope.BOTH, 6),
  INSERT_DUPLICATE(2, Scope.BOTH, 1),
  // statements prepared once per connection and reused across autocommit/read-only toggles
  PS_SELECT_BY_ID(3, Scope.BOTH, 6),
  PS_COUNT(2, Scope.BOTH, 1),
  PS_INSERT(3, Scope.BOTH, 100),
  PS_UPDATE(2, Scope.BOTH, 6),
  // session settings
  SET_SESSION(2, Scope.BOTH, 3),
  SHOW(2, Scope.BOTH, 3),
  // SQL transaction control
  SQL_BEGIN(2, Scope.BOTH, 1),
  SQL_START_TRANSACTION(2, Scope.BOTH, 1),
  SQL_START_TRANSACTION_READ_ONLY(2, Scope.BOTH, 1),
  SQL_COMMIT(2, Scope.BOTH, 1),
  SQL_END(1, Scope.POSTGRESQL, 1),
  SQL_ROLLBACK(2, Scope.BOTH, 1),
  SQL_COMMIT_AND_CHAIN(1, Scope.BOTH, 1),
  /** arg 0 {@code SET autocommit=0}, 1 {@code SET autocommit=1}. */
  SQL_SET_AUTOCOMMIT(2, Scope.MARIADB, 2),
  // JDBC transaction control
  COMMIT(4, Scope.BOTH, 1),
  ROLLBACK(4, Scope.BOTH, 1),
  SET_SAVEPOINT(2, Scope.BOTH, 1),
  ROLLBACK_TO_SAVEPOINT(2, Scope.BOTH, 1),
  RELEASE_SAVEPOINT(1, Scope.BOTH, 1),
  // failing statements
  DIV_ZERO(2, Scope.BOTH, 1),
  BAD_TABLE(2, Scope.BOTH, 1),
  // DDL on a second table (MariaDB commits implicitly)
  CREATE_AUX(2, Scope.BOTH, 1),
  ALTER_AUX(2, Scope.BOTH, 3),
  // several statements in one string
  MULTI_BEGIN_INSERT(1, Scope.POSTGRESQL, 100),
  MULTI_INSERT_COMMIT(1, Scope.POSTGRESQL, 100),
  /** arg bit 0: the middle element is a duplicate key; bit 1: executeLargeBatch. */
  STATEMENT_BATCH(2, Scope.BOTH, 4),
  /** arg bit 0: the middle element is a duplicate key; bit 1: executeLargeBatch. */
  PS_BATCH(2, Scope.BOTH, 4),
  // updatable result sets; arg 0 TYPE_FORWARD_ONLY, 1 TYPE_SCROLL_INSENSITIVE
  RS_UPDATE_ROW(1, Scope.BOTH, 2),
  RS_INSERT_ROW(1, Scope.BOTH, 2),
  RS_DELETE_ROW(1, Scope.BOTH, 2),
  // metadata and liveness
  META_TABLES(1, Scope.BOTH, 1),
  GET_SCHEMA(1, Scope.BOTH, 1),
  IS_VALID(1, Scope.BOTH, 1),
  /** Close the connection (its table state is recorded from the primary) and open a new one. */
  REOPEN(1, Scope.BOTH, 1);

  enum Scope {
    BOTH,
    POSTGRESQL,
    MARIADB
  }

  static final String TABLE = "diff_items";
  static final String AUX = "diff_aux";
  static final String SELECT_ALL_SQL = "SELECT id, k, v FROM " + TABLE + " ORDER BY id";

  final int weight;
  final Scope scope;
  final int args;

  Kind(int weight, Scope scope, int args) {
    this.weight = weight;
    this.scope = scope;
    this.args = args;
  }

  boolean appliesTo(Engine engine) {
    return scope == Scope.BOTH || (scope == Scope.POSTGRESQL) == (engine == Engine.POSTGRESQL);
  }

  /** The SQL text of an operation that has one; null for pure JDBC API calls. */
  String sql(Engine engine, int arg) {
    boolean pg = engine == Engine.POSTGRESQL;
    switch (this) {
      case SELECT_ALL:
      case RS_UPDATE_ROW:
      case RS_INSERT_ROW:
      case RS_DELETE_ROW:
        return SELECT_ALL_SQL;
      case SELECT_BY_ID:
        return "SELECT id, k, v FROM " + TABLE + " WHERE id = " + (arg + 1);
      case COUNT:
      case PS_COUNT:
        return "SELECT count(*) FROM " + TABLE;
      case INSERT:
        return "INSERT INTO " + TABLE + " (k, v) VALUES ('n" + arg + "', " + arg + ")";
      case UPDATE:
        return "UPDATE " + TABLE + " SET v = v + 10 WHERE id <= " + (arg + 1);
      case DELETE:
        return "DELETE FROM " + TABLE + " WHERE id = " + (arg + 1);
      case INSERT_DUPLICATE:
        return "INSERT INTO " + TABLE + " (k, v) VALUES ('dup', 0)";
      case PS_SELECT_BY_ID:
        return "SELECT id, k, v FROM " + TABLE + " WHERE id = ?";
      case PS_INSERT:
      case PS_BATCH:
        return "INSERT INTO " + TABLE + " (k, v) VALUES (?, ?)";
      case PS_UPDATE:
        return "UPDATE " + TABLE + " SET v = v + 1 WHERE id = ?";
      case SET_SESSION:
        if (pg) {
          return new String[] {
                "SET search_path TO public",
                "SET statement_timeout = 0",
                "SET application_name = 'x'"
              }
              [arg];
        }
        return new String[] {
              "SET @diff_v = 'x'",
              "SET SESSION div_precision_increment = 7",
              "SET SESSION sql_select_limit = 1000"
            }
            [arg];
      case SHOW:
        if (pg) {
          return new String[] {
                "SHOW application_name", "SHOW search_path", "SHOW statement_timeout"
              }
              [arg];
        }
        return new String[] {
              "SELECT @diff_v",
              "SHOW SESSION VARIABLES LIKE 'div_precision_increment'",
              "SELECT @@session.sql_select_limit"
            }
            [arg];
      case SQL_BEGIN:
        return "BEGIN";
      case SQL_START_TRANSACTION:
        return "START TRANSACTION";
      case SQL_START_TRANSACTION_READ_ONLY:
        return "START TRANSACTION READ ONLY";
      case SQL_COMMIT:
        return "COMMIT";
      case SQL_END:
        return "END";
      case SQL_ROLLBACK:
        return "ROLLBACK";
      case SQL_COMMIT_AND_CHAIN:
        return "COMMIT AND CHAIN";
      case SQL_SET_AUTOCOMMIT:
        return "SET autocommit=" + arg;
      case DIV_ZERO:
        return "SELECT 1/0";
      case BAD_TABLE:
        return "SELECT * FROM diff_no_such_table";
      case CREATE_AUX:
        return "CREATE TABLE IF NOT EXISTS " + AUX + " (id int PRIMARY KEY)";
      case ALTER_AUX:
        return "ALTER TABLE " + AUX + " ADD COLUMN IF NOT EXISTS c" + arg + " int";
      case MULTI_BEGIN_INSERT:
        return "BEGIN; INSERT INTO " + TABLE + " (k, v) VALUES ('m" + arg + "', " + arg + ")";
      case MULTI_INSERT_COMMIT:
        return "INSERT INTO " + TABLE + " (k, v) VALUES ('m" + arg + "', " + arg + "); COMMIT";
      default:
        return null;
    }
  }

  /** The elements of a batch: the middle one is a duplicate key when arg is odd. */
  static String[] batchKeys(int arg) {
    return new String[] {
      "b" + arg + "a", (arg & 1) == 1 ? "dup" : "b" + arg + "b", "b" + arg + "c"
    };
  }

  static String batchInsert(String key) {
    return "INSERT INTO " + TABLE + " (k, v) VALUES ('" + key + "', 5)";
  }
}
