package dev.lagwise.boot3;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/**
 * A small web application on Lagwise, configured only by application.properties: notes are created
 * through JPA (POST, then a redirect) and read through a {@code JdbcTemplate} (GET), each read
 * saying which server answered.
 */
@SpringBootApplication
public class NotesApp {

  public static void main(String[] args) {
    SpringApplication.run(NotesApp.class, args);
  }
}
