package dev.lagwise.it.mysql;

import com.mysql.cj.jdbc.JdbcConnection;
import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;

/**
 * {@link GtidRoutingCases} with MySQL Connector/J against MariaDB servers ({@code
 * jdbc:lagwise:mysql://}).
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MySqlDriverOnMariaDbRoutingTest extends GtidRoutingCases {

  @Override
  String scheme() {
    return "mysql";
  }

  @Override
  String prefix() {
    return "myrt_mcj";
  }

  /** MySQL Connector/J names itself, whatever the server is. */
  @Override
  String productName() {
    return "MySQL";
  }

  @Override
  Class<? extends Connection> vendorConnection() {
    return JdbcConnection.class;
  }
}
