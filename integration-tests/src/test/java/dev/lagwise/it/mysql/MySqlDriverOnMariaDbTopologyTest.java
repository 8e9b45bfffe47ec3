package dev.lagwise.it.mysql;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;

/**
 * {@link GtidTopologyCases} with MySQL Connector/J against MariaDB servers ({@code
 * jdbc:lagwise:mysql://}), on a cluster of its own.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2, isolated = true)
class MySqlDriverOnMariaDbTopologyTest extends GtidTopologyCases {

  @Override
  String scheme() {
    return "mysql";
  }
}
