package dev.lagwise.testkit;

import java.time.Duration;
import java.util.List;

/**
 * A running primary with streaming replicas on free loopback ports, in a temporary directory.
 *
 * <p>Closing it stops every server process and removes every directory it created. A JVM shutdown
 * hook does the same for clusters that were never closed, so a failed test run leaves no server
 * behind.
 */
public interface Cluster extends AutoCloseable {

  Engine engine();

  /** Every node, primary first at creation time; the order never changes. */
  List<Node> nodes();

  /** The node whose role is currently {@link Role#PRIMARY} (after a promotion: the new one). */
  Node primary();

  /** The nodes whose role is currently {@link Role#REPLICA}. */
  List<Node> replicas();

  /** Database every node serves; tests create their tables in it. */
  String database();

  String user();

  String password();

  /** {@code host:port,host:port,...} of every node, primary first: the host part of a URL. */
  String hostList();

  /**
   * A Lagwise URL for this cluster, e.g. {@code
   * jdbc:lagwise:postgresql://127.0.0.1:5433,127.0.0.1:5434/test}.
   */
  String lagwiseUrl();

  /** Waits until every running, non-paused replica has replayed the primary's current position. */
  void awaitReplicasCaughtUp(Duration timeout);

  /**
   * Puts the cluster back in its initial shape for the next test that shares it: hung nodes
   * resumed, stopped nodes started, replay resumed, apply delays cleared. Returns false when that
   * is impossible (a replica was promoted); a shared cluster is then replaced by a new one.
   */
  boolean reset();

  /** Stops every process and deletes every directory. Idempotent. */
  @Override
  void close();
}
