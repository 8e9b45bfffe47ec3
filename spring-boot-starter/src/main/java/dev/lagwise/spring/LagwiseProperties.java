package dev.lagwise.spring;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Everything the starter reads from the Spring environment under {@code lagwise.*}.
 *
 * <p>The driver settings ({@code maxLag} … {@code probeTimeout}) are not interpreted here: {@link
 * LagwiseEnvironmentPostProcessor} forwards the ones that are set to the pool's data source
 * properties, where the driver validates them as it validates URL parameters. Null means "not set":
 * the driver's default applies and nothing is forwarded, so a parameter in the URL keeps winning.
 * The defaults named in these comments are the driver's ({@code dev.lagwise.LagwiseProperty}).
 */
@ConfigurationProperties(prefix = "lagwise")
public class LagwiseProperties {

  /**
   * Bounded staleness: a read may use a replica only if the data there is at most this old (driver
   * default 2s).
   */
  private Duration maxLag;

  /**
   * While no primary is reachable: continue (plain reads on caught-up replicas) or fail. See
   * lagwise.primaryLossReads in docs/configuration.md.
   */
  private String primaryLossReads;

  /** How long a cluster with no connection lives on (monitor, MBean); cluster-wide. */
  private Duration clusterIdleTimeout;

  /**
   * Class name of a {@code dev.lagwise.CredentialsProvider} asked for the password at every connect
   * (rotating credentials: RDS IAM tokens, Vault leases).
   */
  private String credentialsProvider;

  /** Read-your-writes scope: causal, session or none (driver default causal). */
  private String consistency;

  /** How a write's position is learned: exact or observed (driver default exact). */
  private String capture;

  /**
   * When no replica satisfies a read's token and maxLag, wait up to this long for one to catch up
   * before reading on the primary (driver default 0ms: do not wait).
   */
  private Duration waitForReplica;

  /** How a read picks among eligible replicas: round-robin or least-in-flight. */
  private String loadBalance;

  /**
   * Function names you declare free of side effects, so that reads calling them may use replicas.
   */
  private List<String> replicaSafeFunctions;

  /**
   * Ask the primary's catalog once per cluster for user functions declared STABLE or IMMUTABLE
   * (driver default true).
   */
  private Boolean catalogFunctions;

  /** How often the cluster's monitor probes every host (driver default 100ms). */
  private Duration pollInterval;

  /** Connect and socket timeout of the monitor's probes (driver default 2s). */
  private Duration probeTimeout;

  /** Micrometer meters. */
  private final Metrics metrics = new Metrics();

  /** Trace attributes on the current span. */
  private final Tracing tracing = new Tracing();

  public Duration getClusterIdleTimeout() {
    return clusterIdleTimeout;
  }

  public void setClusterIdleTimeout(Duration clusterIdleTimeout) {
    this.clusterIdleTimeout = clusterIdleTimeout;
  }

  public String getCredentialsProvider() {
    return credentialsProvider;
  }

  public void setCredentialsProvider(String credentialsProvider) {
    this.credentialsProvider = credentialsProvider;
  }

  public String getPrimaryLossReads() {
    return primaryLossReads;
  }

  public void setPrimaryLossReads(String primaryLossReads) {
    this.primaryLossReads = primaryLossReads;
  }

  public Duration getMaxLag() {
    return maxLag;
  }

  public void setMaxLag(Duration maxLag) {
    this.maxLag = maxLag;
  }

  public String getConsistency() {
    return consistency;
  }

  public void setConsistency(String consistency) {
    this.consistency = consistency;
  }

  public String getCapture() {
    return capture;
  }

  public void setCapture(String capture) {
    this.capture = capture;
  }

  public Duration getWaitForReplica() {
    return waitForReplica;
  }

  public void setWaitForReplica(Duration waitForReplica) {
    this.waitForReplica = waitForReplica;
  }

  public String getLoadBalance() {
    return loadBalance;
  }

  public void setLoadBalance(String loadBalance) {
    this.loadBalance = loadBalance;
  }

  public List<String> getReplicaSafeFunctions() {
    return replicaSafeFunctions;
  }

  public void setReplicaSafeFunctions(List<String> replicaSafeFunctions) {
    this.replicaSafeFunctions = replicaSafeFunctions;
  }

  public Boolean getCatalogFunctions() {
    return catalogFunctions;
  }

  public void setCatalogFunctions(Boolean catalogFunctions) {
    this.catalogFunctions = catalogFunctions;
  }

  public Duration getPollInterval() {
    return pollInterval;
  }

  public void setPollInterval(Duration pollInterval) {
    this.pollInterval = pollInterval;
  }

  public Duration getProbeTimeout() {
    return probeTimeout;
  }

  public void setProbeTimeout(Duration probeTimeout) {
    this.probeTimeout = probeTimeout;
  }

  public Metrics getMetrics() {
    return metrics;
  }

  public Tracing getTracing() {
    return tracing;
  }

  public static class Metrics {

    /** Register the lagwise.* meters when Micrometer is present. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }

  /** {@code lagwise.tracing.*}. */
  public static class Tracing {

    /** Add the node that ran each statement to the current span. */
    private boolean enabled = true;

    public boolean isEnabled() {
      return enabled;
    }

    public void setEnabled(boolean enabled) {
      this.enabled = enabled;
    }
  }
}
