package dev.lagwise.testkit;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * Unpacks server binaries once per version into a cache every user can read.
 *
 * <p>The cache lives under {@code /tmp/lagwise-testkit}, mode 755 all the way down, because the
 * servers may run as {@code nobody} and load bundled shared libraries from it (root's home is mode
 * 700). An archive is unpacked into a temporary sibling and renamed into place, so a concurrent JVM
 * or an interrupted run never sees half a tree.
 */
final class Archives {

  static final Path CACHE = Path.of(System.getProperty("java.io.tmpdir"), "lagwise-testkit");

  private static final Set<PosixFilePermission> RWX_R_X =
      PosixFilePermissions.fromString("rwxr-xr-x");

  /** Opens the archive bytes; called only when the cache does not have them yet. */
  interface Source {
    InputStream open() throws IOException;
  }

  private Archives() {}

  /** Returns {@code CACHE/name}, unpacking the tar.xz from {@code source} there if needed. */
  static synchronized Path unpackTarXzOnce(String name, Source source) {
    Path cache = CACHE;
    if (!Files.isDirectory(cache.resolve(name))
        && Files.isDirectory(cache)
        && !Files.isWritable(cache)) {
      // another user's cache without this version: keep one of our own
      cache = Path.of(CACHE + "-" + System.getProperty("user.name"));
    }
    Path target = cache.resolve(name);
    if (Files.isDirectory(target)) {
      return target;
    }
    Path tmp = null;
    try {
      Files.createDirectories(cache);
      setMode(cache, RWX_R_X);
      tmp = Files.createTempDirectory(cache, name + ".tmp-");
      setMode(tmp, RWX_R_X);
      try (InputStream in = source.open()) {
        untar(new XZCompressorInputStream(new BufferedInputStream(in)), tmp);
      }
      try {
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (FileAlreadyExistsException | DirectoryNotEmptyException raced) {
        // another JVM won the race; its copy is as good as ours
      }
      return target;
    } catch (AtomicMoveNotSupportedException e) {
      throw new IllegalStateException("cannot rename " + tmp + " to " + target, e);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack " + name + " into " + cache, e);
    } finally {
      if (tmp != null) {
        deleteTree(tmp);
      }
    }
  }

  private static void untar(InputStream xz, Path dir) throws IOException {
    try (TarArchiveInputStream tar = new TarArchiveInputStream(xz)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        Path out = dir.resolve(e.getName()).normalize();
        if (!out.startsWith(dir)) {
          throw new IOException("archive entry outside its directory: " + e.getName());
        }
        Files.createDirectories(out.getParent());
        if (e.isDirectory()) {
          Files.createDirectories(out);
          setMode(out, RWX_R_X);
        } else if (e.isSymbolicLink()) {
          Files.createSymbolicLink(out, Path.of(e.getLinkName()));
        } else if (e.isLink()) {
          Files.createLink(out, dir.resolve(e.getLinkName()));
        } else {
          Files.copy(tar, out, StandardCopyOption.REPLACE_EXISTING);
          // keep the exec bits of the archive, but always readable by everybody
          boolean exec = (e.getMode() & 0111) != 0;
          setMode(out, PosixFilePermissions.fromString(exec ? "rwxr-xr-x" : "rw-r--r--"));
        }
      }
    }
  }

  static void setMode(Path p, Set<PosixFilePermission> mode) throws IOException {
    Files.setPosixFilePermissions(p, EnumSet.copyOf(mode));
  }

  /** Best-effort recursive delete; a file that cannot be deleted is left behind. */
  static void deleteTree(Path root) {
    if (!Files.exists(root, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.deleteIfExists(p);
                } catch (IOException ignored) {
                  // left behind; the caller cannot do better
                }
              });
    } catch (IOException | UncheckedIOException ignored) {
      // a concurrent delete; nothing more to do
    }
  }
}
