package dev.lagwise.routing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The built-in function lists, loaded once. */
final class FunctionSets {
  /**
   * Volatile PostgreSQL functions that neither write, lock nor depend on the node beyond what a
   * read on a replica would see anyway. {@code pg_is_in_recovery} is here because it is how an
   * application (and Lagwise's own tests) asks which kind of node served a read.
   */
  private static final String[] PG_HARMLESS_VOLATILE = {
    "random",
    "random_normal",
    "clock_timestamp",
    "timeofday",
    "gen_random_uuid",
    "array_shuffle",
    "array_sample",
    "pg_is_in_recovery",
  };

  static final NameTable POSTGRESQL = load("pg-safe-functions.txt", PG_HARMLESS_VOLATILE);
  static final NameTable MYSQL = load("mysql-safe-functions.txt", new String[0]);

  /** Calls that take a session-level lock or change session state: they pin the session. */
  static final NameTable PG_PINNING =
      new NameTable(
          List.of(
              "pg_advisory_lock",
              "pg_advisory_lock_shared",
              "pg_try_advisory_lock",
              "pg_try_advisory_lock_shared",
              "set_config"));

  static final NameTable MYSQL_PINNING = new NameTable(List.of("get_lock"));

  private FunctionSets() {}

  private static NameTable load(String resource, String[] extra) {
    List<String> names = new ArrayList<>(List.of(extra));
    try (InputStream in = FunctionSets.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + resource);
      }
      BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
      for (String line; (line = r.readLine()) != null; ) {
        line = line.strip();
        if (!line.isEmpty() && line.charAt(0) != '#') {
          names.add(line);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new NameTable(names);
  }
}
