package dev.lagwise.it.diff;

import dev.lagwise.testkit.Engine;

/**
 * One operation of a sequence. {@link #toString()} is the case-table spelling ({@code op(INSERT,
 * 3)}); {@link #java(Engine)} is what it does, as a line of JDBC for failure messages.
 */
record Op(Kind kind, int arg) {

  Op {
    if (arg < 0 || arg >= kind.args) {
      throw new IllegalArgumentException(kind + " takes an argument in [0, " + kind.args + ")");
    }
  }

  static Op op(Kind kind) {
    return new Op(kind, 0);
  }

  static Op op(Kind kind, int arg) {
    return new Op(kind, arg);
  }

  private static final String[] ISOLATIONS = {
    "TRANSACTION_READ_COMMITTED", "TRANSACTION_REPEATABLE_READ", "TRANSACTION_SERIALIZABLE"
  };

  String java(Engine engine) {
    String sql = kind.sql(engine, arg);
    String type = arg == 0 ? "TYPE_FORWARD_ONLY" : "TYPE_SCROLL_INSENSITIVE";
    switch (kind) {
      case AUTOCOMMIT_ON:
        return "c.setAutoCommit(true);";
      case AUTOCOMMIT_OFF:
        return "c.setAutoCommit(false);";
      case READ_ONLY_ON:
        return "c.setReadOnly(true);";
      case READ_ONLY_OFF:
        return "c.setReadOnly(false);";
      case ISOLATION:
        return "c.setTransactionIsolation(" + ISOLATIONS[arg] + ");";
      case INSERT:
        return "s.executeUpdate(\"" + sql + "\", RETURN_GENERATED_KEYS); s.getGeneratedKeys();";
      case PS_SELECT_BY_ID:
      case PS_UPDATE:
        return "pooled(\"" + sql + "\").setInt(1, " + (arg + 1) + "); execute();";
      case PS_COUNT:
        return "pooled(\"" + sql + "\").executeQuery();";
      case PS_INSERT:
        return "pooled(\""
            + sql
            + "\", RETURN_GENERATED_KEYS).setString(1, \"p"
            + arg
            + "\"); setInt(2, "
            + arg
            + "); executeUpdate(); getGeneratedKeys();";
      case COMMIT:
        return "c.commit();";
      case ROLLBACK:
        return "c.rollback();";
      case SET_SAVEPOINT:
        return "sp = c.setSavepoint();";
      case ROLLBACK_TO_SAVEPOINT:
        return "c.rollback(sp);";
      case RELEASE_SAVEPOINT:
        return "c.releaseSavepoint(sp);";
      case STATEMENT_BATCH:
      case PS_BATCH:
        {
          StringBuilder b =
              new StringBuilder(kind == Kind.PS_BATCH ? "pooled(\"" + sql + "\")" : "s");
          for (String k : Kind.batchKeys(arg)) {
            b.append(kind == Kind.PS_BATCH ? ".add('" + k + "', 5)" : ".add(\"" + k + "\")");
          }
          return b.append((arg & 2) != 0 ? ".executeLargeBatch();" : ".executeBatch();").toString();
        }
      case RS_UPDATE_ROW:
        return "rs = c.createStatement("
            + type
            + ", CONCUR_UPDATABLE).executeQuery(\""
            + sql
            + "\"); rs.next(); rs.updateInt(\"v\", v + 100); rs.updateRow();";
      case RS_INSERT_ROW:
        return "rs = c.createStatement("
            + type
            + ", CONCUR_UPDATABLE).executeQuery(\""
            + sql
            + "\"); rs.moveToInsertRow(); rs.updateString(\"k\", \"r\"); rs.updateInt(\"v\", 9);"
            + " rs.insertRow();";
      case RS_DELETE_ROW:
        return "rs = c.createStatement("
            + type
            + ", CONCUR_UPDATABLE).executeQuery(\""
            + sql
            + "\"); rs.next(); rs.deleteRow();";
      case META_TABLES:
        return "c.getMetaData().getTables(null, null, \"" + Kind.TABLE + "\", null); count rows;";
      case GET_SCHEMA:
        return "c.getSchema();";
      case IS_VALID:
        return "c.isValid(1);";
      case REOPEN:
        return "c.close(); c = DriverManager.getConnection(url, user, password);";
      default:
        return "s.execute(\"" + sql + "\");";
    }
  }

  @Override
  public String toString() {
    return kind.args == 1 ? "op(" + kind + ")" : "op(" + kind + ", " + arg + ")";
  }
}
