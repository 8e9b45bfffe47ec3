package dev.lagwise.jdbc;

import java.util.Map;

/**
 * Routing statistics of one cluster on the platform MBean server, as {@code
 * dev.lagwise:type=Cluster,name="host:port,.../database"}. Public because JMX requires it; the API
 * is {@link dev.lagwise.LagwiseStats}.
 */
public interface ClusterStatsMXBean {

  /**
   * Successful statements by {@link dev.lagwise.routing.RouteReason} name, every reason present.
   */
  Map<String, Long> getStatementsByReason();

  /**
   * One line per host in URL order, e.g. {@code 127.0.0.1:5433 REPLICA lag 0 B 3 ms statements
   * 120}, with the last error appended when there is one.
   */
  String[] getNodes();

  long getStatementsTotal();
}
