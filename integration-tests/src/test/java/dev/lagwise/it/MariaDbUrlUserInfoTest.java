package dev.lagwise.it;

import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.SQLException;
import org.junit.jupiter.api.BeforeAll;

/** {@code jdbc:lagwise:mariadb://user:password@hosts/db}, as MariaDB users write it (issue #7). */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbUrlUserInfoTest extends UrlUserInfoChecks {

  @BeforeAll
  static void logins(Cluster c) throws SQLException {
    createLogins(c);
  }
}
