package dev.lagwise.it.spring;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.RowMapper;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/** Transactional and plain reads and writes whose results say which server ran them. */
@Service
public class NoteService {

  /** Created by the test before the application starts. */
  public static final String TABLE = "spring_boot_routing_test_notes";

  /** Only replica-safe functions, so that an autocommit read may go to a replica. */
  private static final String WHERE_AM_I =
      "SELECT pg_is_in_recovery(), inet_server_port(), 0, now()";

  /** Inside a transaction: also the backend, which proves one physical connection served all. */
  private static final String WHERE_AM_I_IN_TX =
      "SELECT pg_is_in_recovery(), inet_server_port(), pg_backend_pid(), now()";

  private static final RowMapper<Served> SERVED =
      (rs, row) ->
          new Served(
              rs.getBoolean(1), rs.getInt(2), rs.getInt(3), rs.getObject(4, OffsetDateTime.class));

  private final JdbcTemplate jdbc;

  public NoteService(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  /** A plain repository read, outside any transaction. */
  public Served whereAmI() {
    return jdbc.queryForObject(WHERE_AM_I, SERVED);
  }

  /** A plain read of how many rows carry {@code note}. */
  public int count(String note) {
    Integer n =
        jdbc.queryForObject(
            "SELECT count(*) FROM " + TABLE + " WHERE note = ?", Integer.class, note);
    return n == null ? 0 : n;
  }

  /** Three reads in one read-only transaction; the last element is the count of {@code note}. */
  @Transactional(readOnly = true)
  public ReadOnlyResult readOnlyTransaction(String note) {
    List<Served> served = new ArrayList<>();
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    int count = count(note);
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    return new ReadOnlyResult(served, count);
  }

  /** Result of {@link #readOnlyTransaction}. */
  public record ReadOnlyResult(List<Served> served, int count) {}

  /** Only reads, but in a default (read-write) transaction. */
  @Transactional
  public List<Served> readsInDefaultTransaction() {
    List<Served> served = new ArrayList<>();
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    return served;
  }

  /** A write, then reads of it, in a default transaction. */
  @Transactional
  public List<Served> writeAndReadBack(String note) {
    List<Served> served = new ArrayList<>();
    served.add(insert(note));
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    if (count(note) != 1) {
      throw new IllegalStateException("the transaction does not see its own write of " + note);
    }
    served.add(jdbc.queryForObject(WHERE_AM_I_IN_TX, SERVED));
    return served;
  }

  /** A write, then a failure: the write must be rolled back. */
  @Transactional
  public void writeThenFail(String note) {
    insert(note);
    throw new IllegalStateException("failing after writing " + note);
  }

  private Served insert(String note) {
    return jdbc.queryForObject(
        "INSERT INTO "
            + TABLE
            + " (note) VALUES (?) RETURNING pg_is_in_recovery(), inet_server_port(),"
            + " pg_backend_pid(), now()",
        SERVED,
        note);
  }
}
