package dev.lagwise.demo;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Where frames go: a terminal gets the whole view redrawn in place (like {@code top}); anything
 * else (a file, a pipe, a dumb terminal) gets one line per second.
 */
final class Screen {

  private static final String HOME_AND_CLEAR = "\033[H\033[2J";

  private final PrintStream out;
  private final boolean live;
  private long lastPlainMillis = -1000;

  Screen(PrintStream out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** Live when there is a console and a terminal that understands ANSI escapes. */
  static Screen detect(PrintStream out) {
    String term = System.getenv("TERM");
    boolean ansi =
        System.console() != null
            && term != null
            && !term.isEmpty()
            && !term.toLowerCase(Locale.ROOT).equals("dumb");
    return new Screen(out, ansi);
  }

  boolean live() {
    return live;
  }

  /** Milliseconds between refreshes. */
  long refreshMillis() {
    return live ? 500 : 1000;
  }

  void show(Frame f) {
    if (live) {
      out.print(HOME_AND_CLEAR + View.screen(f));
    } else if (f.elapsedMillis() - lastPlainMillis >= 900) {
      lastPlainMillis = f.elapsedMillis();
      out.println(View.plain(f));
    }
    out.flush();
  }

  void println(String text) {
    out.println(text);
    out.flush();
  }
}
