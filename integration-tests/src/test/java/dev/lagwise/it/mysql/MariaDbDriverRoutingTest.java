package dev.lagwise.it.mysql;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;
import java.sql.Connection;

/** {@link GtidRoutingCases} with MariaDB Connector/J ({@code jdbc:lagwise:mariadb://}). */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbDriverRoutingTest extends GtidRoutingCases {

  @Override
  String scheme() {
    return "mariadb";
  }

  @Override
  String prefix() {
    return "myrt_mdb";
  }

  @Override
  String productName() {
    return "MariaDB";
  }

  @Override
  Class<? extends Connection> vendorConnection() {
    return org.mariadb.jdbc.Connection.class;
  }
}
