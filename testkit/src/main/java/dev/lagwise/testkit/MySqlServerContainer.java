package dev.lagwise.testkit;

import java.time.Duration;
import java.util.List;
import org.testcontainers.containers.Network;
import org.testcontainers.mysql.MySQLContainer;

/**
 * One {@code mysql:8.4} container of a {@link MySqlCluster}: GTID binary logging, its own server
 * id, its name as network alias (replicas reach their source by it), and a fixed host port.
 *
 * <p>The port is chosen by testkit and bound explicitly rather than left to Docker, because Docker
 * may hand out another random host port when a stopped container starts again, and a node keeps its
 * port across {@link Node#stop()} and {@link Node#start()}.
 */
final class MySqlServerContainer extends MySQLContainer {

  static final String IMAGE = "mysql:8.4";

  MySqlServerContainer(String alias, int serverId, int hostPort, Network network) {
    super(IMAGE);
    withNetwork(network);
    withNetworkAliases(alias);
    withDatabaseName("test");
    withUsername(MySqlSql.USER);
    withPassword(MySqlSql.PASSWORD);
    setPortBindings(List.of(hostPort + ":" + MYSQL_PORT));
    withStartupTimeout(Duration.ofMinutes(3));
    // No --super-read-only here, even on replicas: the image passes these options to the
    // temporary server that creates the users, which super_read_only would refuse. Replicas get
    // it with SET PERSIST once initialised (MySqlNode.replicateFrom), which survives restarts.
    withCommand(
        "--server-id=" + serverId,
        "--gtid-mode=ON",
        "--enforce-gtid-consistency=ON",
        "--log-bin=binlog",
        "--relay-log=relay",
        "--binlog-format=ROW");
  }

  @Override
  protected void configure() {
    super.configure();
    // MySQLContainer gives root the application user's password; testkit's admin has its own.
    addEnv("MYSQL_ROOT_PASSWORD", MySqlSql.ADMIN_PASSWORD);
  }
}
