package dev.lagwise.it.tx;

import dev.lagwise.testkit.Engine;
import dev.lagwise.testkit.ReplicatedCluster;

/** Case 8 on MariaDB: updatable result sets and batches. */
@ReplicatedCluster(engine = Engine.MARIADB, replicas = 2)
class MariaDbBypassWritesCasesTest extends BypassWritesCases {

  @Override
  String prefix() {
    return "mbw";
  }

  @Override
  String[] procedureDdl() {
    return new String[] {
      "DROP PROCEDURE IF EXISTS mbw_insert",
      "CREATE PROCEDURE mbw_insert(r VARCHAR(64), i BIGINT) INSERT INTO mbw_rows VALUES (r, i)"
    };
  }
}
