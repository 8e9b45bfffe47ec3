package dev.lagwise.routing;

/**
 * Scanning helpers shared by the two GTID parsers. Parsing is hand-written and linear (no regex):
 * it runs per commit capture and on untrusted tokens, and a message quotes the offending part only
 * when it is short, so a hostile megabyte token never ends up in a log line.
 */
final class GtidText {
  /** Longest part quoted in an error message. */
  static final int MAX_QUOTED = 64;

  private GtidText() {}

  static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  /** {@code " \"part\""} when short, else {@code " (N characters)"}. */
  static String quote(String text, int from, int to) {
    int n = to - from;
    if (n <= MAX_QUOTED) {
      return " \"" + text.substring(from, to) + "\"";
    }
    return " (" + n + " characters)";
  }

  /**
   * The decimal number in {@code text[from, to)}, at most {@code max}; -1 when empty or not all
   * digits, -2 when above {@code max}. Callers turn the code into a message naming the part.
   */
  static long number(String text, int from, int to, long max) {
    if (from >= to) {
      return -1;
    }
    long v = 0;
    for (int i = from; i < to; i++) {
      char c = text.charAt(i);
      if (!isDigit(c)) {
        return -1;
      }
      int d = c - '0';
      if (v > (max - d) / 10) {
        return -2;
      }
      v = v * 10 + d;
    }
    return v;
  }

  /** Index of the first non-space character at or after {@code i}. */
  static int skipSpace(String text, int i) {
    while (i < text.length() && isSpace(text.charAt(i))) {
      i++;
    }
    return i;
  }

  /** Index after the last non-space character before {@code end}, not below {@code from}. */
  static int trimEnd(String text, int from, int end) {
    while (end > from && isSpace(text.charAt(end - 1))) {
      end--;
    }
    return end;
  }

  /** Index of the next {@code ','} at or after {@code i}, or the length. */
  static int nextComma(String text, int i) {
    int c = text.indexOf(',', i);
    return c < 0 ? text.length() : c;
  }
}
