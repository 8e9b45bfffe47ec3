package dev.lagwise.testkit;

import java.lang.invoke.MethodHandles;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestInstancePostProcessor;
import org.junit.platform.commons.support.AnnotationSupport;
import org.junit.platform.commons.support.HierarchyTraversalMode;
import org.junit.platform.commons.support.ReflectionSupport;

/**
 * The JUnit 5 extension behind {@link ReplicatedCluster}.
 *
 * <p>A class "owns" its cluster when it carries the annotation itself (or through a superclass);
 * {@code @Nested} classes without one use their enclosing owner's. Shared clusters live in the root
 * context's store, keyed by engine and replica count, so that JUnit closes them at the end of the
 * run (the {@link Cleanup} hook covers the rest). Each owner keeps the cluster it got in its own
 * store, so a replacement made after another class cannot change a class's cluster mid-way.
 */
public final class ClusterExtension
    implements BeforeAllCallback,
        AfterAllCallback,
        TestInstancePostProcessor,
        ParameterResolver,
        ExecutionCondition {

  private static final ExtensionContext.Namespace NS =
      ExtensionContext.Namespace.create(ClusterExtension.class);
  private static final String OWN = "cluster";

  /**
   * Skips MySQL classes when no Docker engine is reachable. A condition rather than an assumption
   * aborted in {@code beforeAll}: Surefire reports a class aborted there as zero tests (it vanishes
   * from the report), but every test of a disabled class as skipped, with the reason.
   */
  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    Optional<ReplicatedCluster> config = ownAnnotation(context);
    if (config.isEmpty() || config.get().engine() != Engine.MYSQL) {
      return ConditionEvaluationResult.enabled("not a MySQL cluster");
    }
    String skip = MySqlAvailability.skipReason();
    return skip == null
        ? ConditionEvaluationResult.enabled("MySQL clusters can start")
        : ConditionEvaluationResult.disabled(skip);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    Cluster cluster = clusterFor(context);
    for (Field f : clusterFields(context.getRequiredTestClass(), true)) {
      setField(f, null, cluster);
    }
  }

  @Override
  public void postProcessTestInstance(Object testInstance, ExtensionContext context)
      throws Exception {
    Cluster cluster = clusterFor(context);
    for (Field f : clusterFields(testInstance.getClass(), false)) {
      setField(f, testInstance, cluster);
    }
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == Cluster.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return clusterFor(context);
  }

  @Override
  public void afterAll(ExtensionContext context) {
    Optional<ReplicatedCluster> own = ownAnnotation(context);
    Assigned assigned = context.getStore(NS).get(OWN, Assigned.class);
    if (own.isEmpty() || assigned == null) {
      return;
    }
    Cluster cluster = assigned.cluster();
    if (own.get().isolated()) {
      cluster.close();
    } else if (!cluster.reset()) {
      // the next class that asks for this shape gets a fresh cluster
      ExtensionContext.Store root = context.getRoot().getStore(NS);
      synchronized (ClusterExtension.class) {
        SharedCluster shared = root.get(key(own.get()), SharedCluster.class);
        if (shared != null && shared.cluster == cluster) {
          root.remove(key(own.get()));
        }
      }
      cluster.close();
    }
  }

  // ---------------------------------------------------------------- clusters

  private static Cluster clusterFor(ExtensionContext context) {
    ExtensionContext owner = owner(context);
    ReplicatedCluster config = ownAnnotation(owner).orElseThrow();
    ExtensionContext.Store store = owner.getStore(NS);
    synchronized (ClusterExtension.class) {
      Assigned assigned = store.get(OWN, Assigned.class);
      if (assigned == null) {
        if (config.engine() == Engine.MYSQL) {
          MySqlAvailability.require(); // lagwise.testkit.mysql=require without Docker: fail here
        }
        assigned =
            new Assigned(config.isolated() ? start(config) : shared(owner.getRoot(), config));
        store.put(OWN, assigned);
      }
      return assigned.cluster();
    }
  }

  private static Cluster shared(ExtensionContext root, ReplicatedCluster config) {
    return root.getStore(NS)
        .getOrComputeIfAbsent(
            key(config), k -> new SharedCluster(start(config)), SharedCluster.class)
        .cluster;
  }

  private static Cluster start(ReplicatedCluster config) {
    if (config.replicas() < 0) {
      throw new ExtensionConfigurationException(
          "@ReplicatedCluster(replicas = " + config.replicas() + "): must be >= 0");
    }
    switch (config.engine()) {
      case POSTGRESQL:
        return PostgresCluster.builder().replicas(config.replicas()).start();
      case MARIADB:
        return MariaDbCluster.builder().replicas(config.replicas()).start();
      case MYSQL:
        return MySqlCluster.builder().replicas(config.replicas()).start();
      default:
        throw new ExtensionConfigurationException("unknown engine " + config.engine());
    }
  }

  private static String key(ReplicatedCluster config) {
    return "shared:" + config.engine() + ":" + config.replicas();
  }

  /** The nearest class-level context whose class carries the annotation. */
  private static ExtensionContext owner(ExtensionContext context) {
    for (ExtensionContext c = context; c != null; c = c.getParent().orElse(null)) {
      if (c.getTestMethod().isEmpty() && ownAnnotation(c).isPresent()) {
        return c;
      }
    }
    throw new ExtensionConfigurationException(
        "no @ReplicatedCluster on " + context.getTestClass().map(Class::getName).orElse("?"));
  }

  private static Optional<ReplicatedCluster> ownAnnotation(ExtensionContext context) {
    return context
        .getTestClass()
        .flatMap(c -> AnnotationSupport.findAnnotation(c, ReplicatedCluster.class));
  }

  // ---------------------------------------------------------------- fields

  private static List<Field> clusterFields(Class<?> type, boolean statics) {
    return ReflectionSupport.findFields(
        type,
        f ->
            f.getType() == Cluster.class
                && Modifier.isStatic(f.getModifiers()) == statics
                && !Modifier.isFinal(f.getModifiers()),
        HierarchyTraversalMode.TOP_DOWN);
  }

  private static void setField(Field f, Object instance, Cluster cluster) throws Exception {
    // a private lookup in the test class's own module: no setAccessible needed
    var lookup = MethodHandles.privateLookupIn(f.getDeclaringClass(), MethodHandles.lookup());
    var handle = lookup.unreflectVarHandle(f);
    if (instance == null) {
      handle.set(cluster);
    } else {
      handle.set(instance, cluster);
    }
  }

  /**
   * A class's cluster in its own store. Deliberately not AutoCloseable: JUnit closes such values
   * with the class, and a shared cluster must outlive it.
   */
  private record Assigned(Cluster cluster) {}

  /**
   * Root-store entry: JUnit closes it at the end of the run. JUnit 5.13+ closes AutoCloseable store
   * values; older versions only CloseableResource ones, hence both (close is idempotent).
   */
  @SuppressWarnings("deprecation")
  private static final class SharedCluster
      implements AutoCloseable, ExtensionContext.Store.CloseableResource {
    final Cluster cluster;

    SharedCluster(Cluster cluster) {
      this.cluster = cluster;
    }

    @Override
    public void close() {
      cluster.close();
    }
  }
}
