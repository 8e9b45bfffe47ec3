package dev.lagwise.it;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;

/** {@code jdbc:lagwise:postgresql://user:password@hosts/db} against PostgreSQL (issue #7). */
@ReplicatedCluster(replicas = 2)
class UrlUserInfoTest extends UrlUserInfoChecks {

  @BeforeAll
  static void logins(Cluster c) throws SQLException {
    createLogins(c);
  }
}
