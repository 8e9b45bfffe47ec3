package dev.lagwise.it.mysql;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;

/**
 * {@link GtidTopologyCases} with MariaDB Connector/J ({@code jdbc:lagwise:mariadb://}), on a
 * cluster of its own.
 */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2, isolated = true)
class MariaDbDriverTopologyTest extends GtidTopologyCases {

  @Override
  String scheme() {
    return "mariadb";
  }
}
