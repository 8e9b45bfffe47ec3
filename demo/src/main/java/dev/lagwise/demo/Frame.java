package dev.lagwise.demo;

import java.util.List;
import java.util.Map;

/**
 * Everything one refresh of the view shows, captured at one moment. A null lag is one the driver
 * cannot measure ({@code unknown}); a null reason map means no driver statistics ({@code n/a}).
 */
record Frame(
    DemoEngine engine,
    long elapsedMillis,
    long totalMillis,
    String phase,
    String upcoming,
    String setup,
    List<Row> nodes,
    Tally.Counts counts,
    Map<String, Long> reasons) {

  /**
   * One node. Role, lag and {@code statements} come from the driver's statistics (null: unknown);
   * {@code seen} is the demo's own count of statements that {@code lastNode()} placed there.
   */
  record Row(
      String name,
      String address,
      String role,
      Long lagBytes,
      Long lagMillis,
      Long statements,
      long seen) {}
}
