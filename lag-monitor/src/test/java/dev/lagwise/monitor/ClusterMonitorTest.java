package dev.lagwise.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ClusterMonitorTest {

  /** Per host: true = replica, false = primary, absent = unreachable. */
  final Map<Integer, Boolean> roles = new ConcurrentHashMap<>();

  final AtomicInteger probes = new AtomicInteger();

  NodeConnector connector() {
    return node -> {
      Boolean replica = roles.get(node);
      if (replica == null) {
        throw new SQLException("refused " + node, "08001");
      }
      return proxy(
          Connection.class,
          (p, m, a) ->
              m.getName().equals("createStatement")
                  ? proxy(
                      Statement.class,
                      (p2, m2, a2) -> {
                        if (m2.getName().equals("executeQuery")) {
                          probes.incrementAndGet();
                          if (roles.get(node) == null) {
                            throw new SQLException("gone", "08006");
                          }
                          boolean[] first = {true};
                          boolean value = roles.get(node);
                          return proxy(
                              ResultSet.class,
                              (p3, m3, a3) -> {
                                if (m3.getName().equals("next")) {
                                  boolean r = first[0];
                                  first[0] = false;
                                  return r;
                                }
                                return m3.getName().equals("getBoolean") ? value : null;
                              });
                        }
                        return null;
                      })
                  : null);
    };
  }

  @SuppressWarnings("unchecked")
  static <T> T proxy(Class<T> type, java.lang.reflect.InvocationHandler h) {
    return (T) Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, h);
  }

  ClusterMonitor monitor(AtomicLong clock) {
    return new ClusterMonitor(
        "test",
        List.of("a:1", "b:2", "c:3"),
        "SELECT role",
        connector(),
        Duration.ofMillis(20),
        Duration.ofMillis(200),
        clock::get);
  }

  @Test
  void firstAcquireDiscoversEveryRoleBeforeReturning() {
    roles.put(0, true);
    roles.put(1, false);
    ClusterMonitor m = monitor(new AtomicLong(System.nanoTime()));
    try {
      m.acquire();
      ClusterSnapshot s = m.snapshot();
      assertThat(s.primary()).isEqualTo(1);
      assertThat(s.status(0)).isEqualTo(NodeStatus.REPLICA);
      assertThat(s.status(2)).isEqualTo(NodeStatus.DOWN);
      assertThat(s.error(2)).contains("refused 2");
    } finally {
      m.close();
    }
  }

  @Test
  void aReplicaStatusExpiresWhenTheMonitorFallsSilent() {
    roles.put(0, true);
    roles.put(1, false);
    roles.put(2, true);
    AtomicLong clock = new AtomicLong(1_000_000_000L);
    ClusterMonitor m = monitor(clock);
    try {
      m.acquire();
      long now = clock.get();
      assertThat(m.snapshot().isUsableReplica(0, now)).isTrue();
      // Deadline: 3 polls + the probe timeout = 260 ms. The clock is ours: advance it.
      assertThat(m.snapshot().isUsableReplica(0, now + Duration.ofMillis(259).toNanos())).isTrue();
      assertThat(m.snapshot().isUsableReplica(0, now + Duration.ofMillis(261).toNanos())).isFalse();
      assertThat(m.snapshot().isUsableReplica(1, now)).as("the primary is no replica").isFalse();
    } finally {
      m.close();
    }
  }

  @Test
  void aReportedFailureTakesTheHostOutAtOnce() {
    roles.put(0, true);
    roles.put(1, false);
    ClusterMonitor m = monitor(new AtomicLong(System.nanoTime()));
    try {
      m.acquire();
      roles.remove(0);
      m.reportFailure(0, "I/O error");
      assertThat(m.snapshot().status(0)).isEqualTo(NodeStatus.DOWN);
    } finally {
      m.close();
    }
  }

  @Test
  void probesStopWhenTheLastUserReleasesAndNoThreadSurvives() throws Exception {
    roles.put(0, false);
    roles.put(1, true);
    roles.put(2, true);
    ClusterMonitor m = monitor(new AtomicLong(System.nanoTime()));
    m.acquire();
    m.acquire();
    m.release();
    assertThat(m.users()).isEqualTo(1);
    m.release();
    assertThat(m.users()).isZero();
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (monitorThreads() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(monitorThreads()).isZero();
    int before = probes.get();
    Thread.sleep(100);
    assertThat(probes.get()).as("an idle monitor sends no queries").isEqualTo(before);
  }

  static long monitorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("lagwise-monitor-") && t.isAlive())
        .count();
  }
}
