package dev.lagwise.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import org.postgresql.PGConnection;
import org.postgresql.jdbc.AutoSave;
import org.postgresql.util.PGobject;

/** One {@link PGConnection} setting of a session, applied to each of its vendor connections. */
record PgSetting(int kind, String name, Object value) implements SessionState.VendorSetting {

  static final int DATA_TYPE = 0;
  static final int PREPARE_THRESHOLD = 1;
  static final int DEFAULT_FETCH_SIZE = 2;
  static final int QUERY_TIMEOUT = 3;
  static final int AUTOSAVE = 4;
  static final int ADAPTIVE_FETCH = 5;

  /** One value per kind; data types one per type name. */
  static String key(int kind, String name) {
    return name == null ? "pg." + kind : "pg." + kind + "." + name;
  }

  @Override
  public String key() {
    return key(kind, name);
  }

  @Override
  @SuppressWarnings({"unchecked", "deprecation"})
  public void applyTo(Connection c) throws SQLException {
    PGConnection pg = c.unwrap(PGConnection.class);
    switch (kind) {
      case DATA_TYPE:
        pg.addDataType(name, (Class<? extends PGobject>) value);
        break;
      case PREPARE_THRESHOLD:
        pg.setPrepareThreshold((Integer) value);
        break;
      case DEFAULT_FETCH_SIZE:
        pg.setDefaultFetchSize((Integer) value);
        break;
      case QUERY_TIMEOUT:
        pg.setQueryTimeout((Integer) value);
        break;
      case AUTOSAVE:
        pg.setAutosave((AutoSave) value);
        break;
      default:
        pg.setAdaptiveFetch((Boolean) value);
    }
  }
}
