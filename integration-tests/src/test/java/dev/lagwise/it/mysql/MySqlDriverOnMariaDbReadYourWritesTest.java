package dev.lagwise.it.mysql;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;

/**
 * {@link GtidReadYourWritesCases} with MySQL Connector/J against MariaDB servers ({@code
 * jdbc:lagwise:mysql://}).
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MySqlDriverOnMariaDbReadYourWritesTest extends GtidReadYourWritesCases {

  @Override
  String scheme() {
    return "mysql";
  }

  @Override
  String table() {
    return "myryw_mcj_items";
  }
}
