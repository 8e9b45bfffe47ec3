package dev.lagwise.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The operating-system user PostgreSQL runs as.
 *
 * <p>PostgreSQL refuses to run as root, and CI runs as root. Then every PostgreSQL process is
 * started through {@code setpriv} as {@code nobody:nogroup} and its data directory is handed to
 * that user. As an ordinary user the processes run directly as this user.
 */
final class PgRunAs {

  static final String USER = "nobody";
  static final String GROUP = "nogroup";

  private PgRunAs() {}

  static boolean dropsPrivileges() {
    return Processes.runningAsRoot();
  }

  /** {@code command}, prefixed with {@code setpriv} when privileges must be dropped. */
  static List<String> command(List<String> command) {
    if (!dropsPrivileges()) {
      return command;
    }
    List<String> c = new ArrayList<>();
    c.add("setpriv");
    c.add("--reuid=" + USER);
    c.add("--regid=" + GROUP);
    c.add("--clear-groups");
    c.add("--");
    c.addAll(command);
    return c;
  }

  /** Makes {@code root} and everything below it belong to the server user (no-op if not root). */
  static void chownTree(Path root) {
    if (!dropsPrivileges()) {
      return;
    }
    try {
      UserPrincipalLookupService lookup = root.getFileSystem().getUserPrincipalLookupService();
      UserPrincipal user = lookup.lookupPrincipalByName(USER);
      GroupPrincipal group = lookup.lookupPrincipalByGroupName(GROUP);
      try (Stream<Path> walk = Files.walk(root)) {
        for (Path p : (Iterable<Path>) walk::iterator) {
          PosixFileAttributeView view =
              Files.getFileAttributeView(
                  p, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
          view.setOwner(user);
          view.setGroup(group);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot give "
              + root
              + " to "
              + USER
              + ":"
              + GROUP
              + " (do both exist? getent passwd "
              + USER
              + "; getent group "
              + GROUP
              + ")",
          e);
    }
  }
}
