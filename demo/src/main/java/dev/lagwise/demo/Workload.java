package dev.lagwise.demo;

import dev.lagwise.LagwiseConnection;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writers insert a row and read it back at once on the same connection (read-your-writes: the read
 * must find it, wherever Lagwise sends it); readers look up random recent rows. Each thread has its
 * own Lagwise connection; after an error it reconnects.
 */
final class Workload implements AutoCloseable {

  // RETURNING: PostgreSQL, and MariaDB since 10.5
  private static final String INSERT =
      "INSERT INTO demo_rows (writer, payload) VALUES (?, ?) RETURNING id";
  private static final String SELECT = "SELECT payload FROM demo_rows WHERE id = ?";

  private final String user;
  private final String password;
  private final Tally tally;
  private final AtomicLong lastId = new AtomicLong();
  private final List<Thread> threads = new ArrayList<>();
  private volatile boolean stopped;

  Workload(String user, String password, Tally tally) {
    this.user = user;
    this.password = password;
    this.tally = tally;
  }

  /** Starts {@code n} writer threads on {@code url}, each pausing {@code pauseMillis} per pair. */
  void writers(int n, String url, long pauseMillis) {
    for (int i = 1; i <= n; i++) {
      int writer = i;
      start("demo-writer-" + i, () -> write(url, writer, pauseMillis));
    }
  }

  /** Starts {@code n} reader threads on {@code url}, each pausing {@code pauseMillis} per read. */
  void readers(int n, String url, long pauseMillis) {
    for (int i = 1; i <= n; i++) {
      start("demo-reader-" + i, () -> read(url, pauseMillis));
    }
  }

  private void start(String name, Runnable body) {
    Thread t = new Thread(() -> loop(body), name);
    t.setDaemon(true);
    threads.add(t);
    t.start();
  }

  /** Runs {@code body} until stopped; an error is counted and the body reconnects. */
  private void loop(Runnable body) {
    while (!stopped) {
      body.run();
    }
  }

  private void write(String url, int writer, long pauseMillis) {
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement insert = c.prepareStatement(INSERT);
        PreparedStatement select = c.prepareStatement(SELECT)) {
      LagwiseConnection lagwise = c.unwrap(LagwiseConnection.class);
      for (long n = 1; !stopped; n++) {
        insert.setInt(1, writer);
        insert.setString(2, "writer " + writer + " row " + n);
        long id;
        try (ResultSet rs = insert.executeQuery()) {
          rs.next();
          id = rs.getLong(1);
        }
        tally.wrote(lagwise.lastNode());
        lastId.accumulateAndGet(id, Math::max);
        select.setLong(1, id);
        boolean found;
        try (ResultSet rs = select.executeQuery()) {
          found = rs.next();
        }
        tally.readBack(lagwise.lastNode(), found, id);
        pause(pauseMillis);
      }
    } catch (SQLException | RuntimeException e) {
      failed(e);
    }
  }

  private void read(String url, long pauseMillis) {
    try (Connection c = DriverManager.getConnection(url, user, password);
        PreparedStatement select = c.prepareStatement(SELECT)) {
      LagwiseConnection lagwise = c.unwrap(LagwiseConnection.class);
      while (!stopped) {
        select.setLong(1, 1 + ThreadLocalRandom.current().nextLong(Math.max(1, lastId.get())));
        try (ResultSet rs = select.executeQuery()) {
          rs.next();
        }
        tally.plainRead(lagwise.lastNode());
        pause(pauseMillis);
      }
    } catch (SQLException | RuntimeException e) {
      failed(e);
    }
  }

  private void failed(Exception e) {
    if (!stopped) {
      tally.error(e);
      pause(200);
    }
  }

  private void pause(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      stopped = true;
      Thread.currentThread().interrupt();
    }
  }

  /** Stops every thread and waits for it (its connection is closed on the way out). */
  @Override
  public void close() {
    stopped = true;
    for (Thread t : threads) {
      try {
        t.join(10_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
