package dev.lagwise.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.testcontainers.containers.Network;

/**
 * How a MySQL node's container is configured, checked without Docker: building a container and
 * running its {@code configure()} touch no engine. (Starting one is {@link MySqlProviderSkipTest}.)
 */
class MySqlServerContainerTest {

  @Test
  void gtidReplicationOptionsServerIdAliasAndAFixedHostPort() {
    try (MySqlServerContainer c = new MySqlServerContainer("replica1", 2, 45678, Network.SHARED)) {
      assertThat(c.getCommandParts())
          .containsExactly(
              "--server-id=2",
              "--gtid-mode=ON",
              "--enforce-gtid-consistency=ON",
              "--log-bin=binlog",
              "--relay-log=relay",
              "--binlog-format=ROW");
      assertThat(c.getNetworkAliases()).contains("replica1");
      assertThat(c.getPortBindings()).containsExactly("45678:3306/tcp");
    }
  }

  @Test
  void rootHasItsOwnPasswordAndTheApplicationUserOwnsTest() {
    try (MySqlServerContainer c = new MySqlServerContainer("primary", 1, 45679, Network.SHARED)) {
      c.configure();
      assertThat(c.getEnvMap())
          .containsEntry("MYSQL_DATABASE", "test")
          .containsEntry("MYSQL_USER", MySqlSql.USER)
          .containsEntry("MYSQL_PASSWORD", MySqlSql.PASSWORD)
          .containsEntry("MYSQL_ROOT_PASSWORD", MySqlSql.ADMIN_PASSWORD);
    }
  }
}
