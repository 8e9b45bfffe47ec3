package dev.lagwise.boot4.web.app;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.client.RestClient;

/**
 * POST writes and redirects (a real {@code sendRedirect}); GET answers whether the row is visible.
 */
@RestController
public class ItemController {

  private final JdbcTemplate jdbc;
  private final WebApp.AsyncWriter async;
  private final RestClient.Builder rest;

  public ItemController(JdbcTemplate jdbc, WebApp.AsyncWriter async, RestClient.Builder rest) {
    this.jdbc = jdbc;
    this.async = async;
    this.rest = rest;
  }

  @PostMapping("/items")
  public void create(@RequestParam("v") long v, HttpServletResponse response) throws IOException {
    Long id =
        jdbc.queryForObject(
            "INSERT INTO " + WebApp.TABLE + " (v) VALUES (?) RETURNING id", Long.class, v);
    response.sendRedirect("/items/" + id);
  }

  @PostMapping("/async-items")
  public void createAsync(@RequestParam("v") long v, HttpServletResponse response)
      throws IOException {
    long id = async.insert(v).join();
    response.sendRedirect("/items/" + id);
  }

  /** Writes, then asks another instance (RestClient, no cookie) whether it sees the row. */
  @PostMapping("/items-via/{port}")
  public String createAndAsk(@RequestParam("v") long v, @PathVariable("port") int port) {
    Long id =
        jdbc.queryForObject(
            "INSERT INTO " + WebApp.TABLE + " (v) VALUES (?) RETURNING id", Long.class, v);
    return rest.build()
        .get()
        .uri("http://127.0.0.1:" + port + "/items/" + id)
        .retrieve()
        .onStatus(s -> s.value() == 404, (req, res) -> {})
        .body(String.class);
  }

  @GetMapping("/items/{id}")
  public ResponseEntity<String> get(@PathVariable("id") long id) {
    List<Long> v =
        jdbc.queryForList("SELECT v FROM " + WebApp.TABLE + " WHERE id = ?", Long.class, id);
    return v.isEmpty()
        ? ResponseEntity.status(404).body("missing")
        : ResponseEntity.ok("v=" + v.get(0));
  }
}
