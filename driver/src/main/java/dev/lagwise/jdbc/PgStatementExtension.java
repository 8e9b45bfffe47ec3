package dev.lagwise.jdbc;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import org.postgresql.PGStatement;

/**
 * What Lagwise's statements do for the methods of {@link PGStatement}: settings are the logical
 * statement's, given to every vendor statement it creates on any host (now and later); results
 * ({@code getLastOID}, {@code isUseServerPrepare}) are those of the vendor statement that ran last.
 * Called by the generated statement classes with {@code this} first (see {@link VendorClasses}).
 */
final class PgStatementExtension {

  private PgStatementExtension() {}

  /** The settings made through {@code PGStatement}; null fields were never set. */
  static final class Settings implements LogicalStatement.VendorSettings {

    Integer prepareThreshold;
    Boolean adaptiveFetch;

    @Override
    public void applyTo(Statement s) throws SQLException {
      PGStatement pg = s.unwrap(PGStatement.class);
      if (prepareThreshold != null) {
        pg.setPrepareThreshold(prepareThreshold);
      }
      if (adaptiveFetch != null) {
        pg.setAdaptiveFetch(adaptiveFetch);
      }
    }
  }

  private static Settings settings(LogicalStatement s) {
    if (s.vendorSettings == null) {
      s.vendorSettings = new Settings();
    }
    return (Settings) s.vendorSettings;
  }

  static void setPrepareThreshold(LogicalStatement s, int threshold) throws SQLException {
    s.checkOpen();
    settings(s).prepareThreshold = threshold;
    s.reconfigure();
  }

  /** PgJDBC: a negative threshold forces binary transfer and means 1. */
  static int getPrepareThreshold(LogicalStatement s) {
    Settings set = (Settings) s.vendorSettings;
    if (set != null && set.prepareThreshold != null) {
      return set.prepareThreshold < 0 ? 1 : set.prepareThreshold;
    }
    Statement last = s.current;
    return last != null
        ? vendor(last).getPrepareThreshold()
        : PgConnectionExtension.getPrepareThreshold(s.connection);
  }

  static void setUseServerPrepare(LogicalStatement s, boolean flag) throws SQLException {
    setPrepareThreshold(s, flag ? 1 : 0);
  }

  /**
   * The vendor statement that ran last answers; before any ran, PgJDBC's rule for a statement not
   * yet executed: a prepared statement whose threshold is reached by its first execution (1, or
   * negative for forced binary), a plain statement never.
   */
  static boolean isUseServerPrepare(LogicalStatement s) {
    Statement last = s.current;
    if (last != null) {
      return vendor(last).isUseServerPrepare();
    }
    return s instanceof PreparedStatement && getPrepareThreshold(s) == 1;
  }

  static void setAdaptiveFetch(LogicalStatement s, boolean adaptiveFetch) {
    settings(s).adaptiveFetch = adaptiveFetch;
    try {
      s.reconfigure();
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  static boolean getAdaptiveFetch(LogicalStatement s) {
    Settings set = (Settings) s.vendorSettings;
    if (set != null && set.adaptiveFetch != null) {
      return set.adaptiveFetch;
    }
    Statement last = s.current;
    return last != null
        ? vendor(last).getAdaptiveFetch()
        : PgConnectionExtension.getAdaptiveFetch(s.connection);
  }

  static long getLastOID(LogicalStatement s) throws SQLException {
    s.checkOpen();
    Statement last = s.current;
    return last == null ? 0 : vendor(last).getLastOID();
  }

  private static PGStatement vendor(Statement s) {
    try {
      return s.unwrap(PGStatement.class);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }
}
