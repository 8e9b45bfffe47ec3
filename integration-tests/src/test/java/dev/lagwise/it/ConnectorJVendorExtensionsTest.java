package dev.lagwise.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.lagwise.LagwiseConnection;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/**
 * MySQL Connector/J's connection interface on Lagwise's connection ({@code jdbc:lagwise:mysql://},
 * here against the testkit's MariaDB servers): every method is vendor access, on the primary,
 * pinned.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class ConnectorJVendorExtensionsTest {

  @Test
  void theConnectionIsAJdbcConnectionWhoseMethodsAreVendorAccess(Cluster cluster)
      throws SQLException {
    String url = cluster.lagwiseUrl().replace("jdbc:lagwise:mariadb:", "jdbc:lagwise:mysql:");
    try (Connection c = DriverManager.getConnection(url, cluster.user(), cluster.password())) {
      assertThat(c).isInstanceOf(JdbcConnection.class);
      assertThat(c.unwrap(JdbcConnection.class)).isSameAs(c);
      LagwiseConnection lw = c.unwrap(LagwiseConnection.class);
      assertThat(lw.isPinnedToPrimary()).isFalse();
      long id = ((JdbcConnection) c).getId();
      assertThat(lw.isPinnedToPrimary()).as("vendor access pins").isTrue();
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT CONNECTION_ID(), @@port")) {
        rs.next();
        assertThat(rs.getLong(1)).as("the primary's session").isEqualTo(id);
        assertThat(rs.getInt(2)).isEqualTo(cluster.primary().port());
      }
    }
  }
}
