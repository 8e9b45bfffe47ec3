package dev.lagwise.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hands a running {@link Cluster} to a test class: as a parameter of type {@code Cluster} of its
 * constructor, {@code @BeforeAll}, {@code @BeforeEach} or test methods, and in its non-final fields
 * of type {@code Cluster}.
 *
 * <pre>{@code
 * @ReplicatedCluster(replicas = 2)
 * class CheckoutTest {
 *   Cluster cluster;
 *
 *   @Test
 *   void readsItsOwnWrites() throws Exception {
 *     try (Connection c = DriverManager.getConnection(cluster.lagwiseUrl(), cluster.user(),
 *         cluster.password())) { ... }
 *   }
 * }
 * }</pre>
 *
 * <p>Unless {@link #isolated()}, one cluster per (engine, replicas) serves every test class of the
 * run: after each class it is {@link Cluster#reset() reset}, and replaced when that fails (after a
 * promotion). Tables and rows are not reset: use names of your own per class. Isolated clusters
 * belong to one class and are closed after it.
 */
@Documented
@Inherited
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.ANNOTATION_TYPE})
@ExtendWith(ClusterExtension.class)
public @interface ReplicatedCluster {

  Engine engine() default Engine.POSTGRESQL;

  int replicas() default 2;

  /** A cluster of its own for this class, e.g. because its tests promote a replica. */
  boolean isolated() default false;
}
