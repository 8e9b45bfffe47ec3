package dev.lagwise.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** File chores of the MariaDB cluster: log tails for messages. */
final class MariaDbFiles {

  private MariaDbFiles() {}

  /** The last {@code lines} lines of a log, or a note saying why there are none. */
  static String tail(Path file, int lines) {
    try {
      // Server logs may hold bytes of any charset; ISO-8859-1 never fails to decode.
      List<String> all = Files.readAllLines(file, StandardCharsets.ISO_8859_1);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (NoSuchFileException e) {
      return "(no log: " + file + " does not exist)";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e + ")";
    }
  }
}
