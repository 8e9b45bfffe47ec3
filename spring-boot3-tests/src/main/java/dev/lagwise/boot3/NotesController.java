package dev.lagwise.boot3;

import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * POST /notes writes a note (JPA, on the primary) and redirects to GET /notes/{id}, which reads it
 * with plain SQL (a replica when one is fresh enough): a 404 there is a stale read.
 */
@RestController
public class NotesController {

  private final NoteRepository notes;
  private final JdbcTemplate jdbc;

  public NotesController(NoteRepository notes, JdbcTemplate jdbc) {
    this.notes = notes;
    this.jdbc = jdbc;
  }

  @PostMapping("/notes")
  public ResponseEntity<Void> create(@RequestParam("text") String text) {
    Note saved = notes.save(new Note(text));
    return ResponseEntity.status(HttpStatus.SEE_OTHER)
        .location(URI.create("/notes/" + saved.getId()))
        .build();
  }

  /** The note and the server that read it: {@code text}, {@code inRecovery}, {@code port}. */
  @GetMapping("/notes/{id}")
  public ResponseEntity<Map<String, Object>> read(@PathVariable("id") long id) {
    List<Map<String, Object>> rows =
        jdbc.queryForList(
            "SELECT text, pg_is_in_recovery() AS \"inRecovery\", inet_server_port() AS port FROM "
                + Note.TABLE
                + " WHERE id = ?",
            id);
    return rows.isEmpty() ? ResponseEntity.notFound().build() : ResponseEntity.ok(rows.get(0));
  }

  /** Which server a plain read runs on, without touching a table. */
  @GetMapping("/where")
  public Map<String, Object> where() {
    return jdbc.queryForMap(
        "SELECT pg_is_in_recovery() AS \"inRecovery\", inet_server_port() AS port");
  }
}
