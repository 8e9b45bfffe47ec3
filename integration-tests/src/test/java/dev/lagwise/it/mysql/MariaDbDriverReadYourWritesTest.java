package dev.lagwise.it.mysql;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;

/** {@link GtidReadYourWritesCases} with MariaDB Connector/J ({@code jdbc:lagwise:mariadb://}). */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbDriverReadYourWritesTest extends GtidReadYourWritesCases {

  @Override
  String scheme() {
    return "mariadb";
  }

  @Override
  String table() {
    return "myryw_mdb_items";
  }
}
