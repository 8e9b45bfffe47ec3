package dev.lagwise.jdbc;

import dev.lagwise.CredentialsProvider;
import dev.lagwise.LagwiseProperty;
import dev.lagwise.LagwiseStats;
import java.sql.Connection;
import java.sql.DriverPropertyInfo;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;

/**
 * The one public entry point of the implementation package, used by {@code dev.lagwise.Driver} and
 * {@code LagwiseDataSource}. Not an API: it may change in any release.
 */
public final class Connector {

  private Connector() {}

  public static boolean accepts(String url) {
    return ConnectionSpec.accepts(url);
  }

  public static Connection connect(String url, Properties info) throws SQLException {
    return connect(url, info, null);
  }

  /** With {@code credentials} (null: none) giving the user and password of every connect. */
  public static Connection connect(String url, Properties info, CredentialsProvider credentials)
      throws SQLException {
    ConnectionSpec spec = ConnectionSpec.parse(url, info, credentials);
    Cluster cluster = ClusterRegistry.acquire(spec);
    try {
      spec = cluster.credentials.withProvider(spec.inHostOrderOf(cluster.spec));
      cluster.admitClassifier(spec.settings);
      LogicalConnection c = cluster.types.connections.make(cluster, spec);
      // Fails here, with the vendor's SQLState, when no host accepts this session.
      PhysicalConnection first = c.physicals.openFirst();
      if (!cluster.anyNodeUp() || cluster.isDown(first.node)) {
        // A host the monitor shows down let us in: what it knows is old news. Ask every host again
        // (a new password has already been probed with in openFirst).
        cluster.monitor.probeNow();
      }
      if (first.readOnly()) {
        // readOnly=true among the vendor's properties (PgJDBC): read-only from the start.
        c.router.setReadOnly(true);
      }
      return c;
    } catch (SQLException | RuntimeException e) {
      cluster.release();
      throw e;
    }
  }

  /**
   * The statistics of the cluster {@code url} and {@code info} connect to, without connecting:
   * statistics exist once a connection has been made to the cluster in this JVM.
   */
  public static LagwiseStats stats(String url, Properties info) throws SQLException {
    ConnectionSpec spec = ConnectionSpec.parse(url, info);
    Cluster cluster = ClusterRegistry.find(spec);
    if (cluster == null) {
      throw new SQLException(
          "No statistics for "
              + spec
              + " (user '"
              + spec.user()
              + "'): no connection to it is open in this JVM or has been within"
              + " lagwise.clusterIdleTimeout; they start with the next connection",
          "HY010");
    }
    return cluster.stats();
  }

  public static String maskUrl(String url) {
    return Masking.maskUrl(url);
  }

  /** Lagwise's properties, then the vendor driver's for the first host's real URL. */
  public static DriverPropertyInfo[] propertyInfo(String url, Properties info) throws SQLException {
    ConnectionSpec spec = ConnectionSpec.parse(url, info);
    List<DriverPropertyInfo> out = new ArrayList<>();
    for (LagwiseProperty p : LagwiseProperty.values()) {
      String value = info == null ? null : info.getProperty(p.key());
      DriverPropertyInfo d = new DriverPropertyInfo(p.key(), value);
      d.description = p.description() + " Default: " + p.defaultValue() + ".";
      d.required = false;
      if (!p.choices().isEmpty()) {
        d.choices = p.choices().toArray(new String[0]);
      }
      out.add(d);
    }
    String vendorUrl = spec.vendorUrl(spec.hosts.get(0));
    java.sql.Driver vendor = VendorDrivers.find(vendorUrl);
    Collections.addAll(out, vendor.getPropertyInfo(vendorUrl, spec.vendorProperties));
    return out.toArray(new DriverPropertyInfo[0]);
  }
}
