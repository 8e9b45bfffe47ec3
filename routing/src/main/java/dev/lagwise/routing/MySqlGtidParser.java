package dev.lagwise.routing;

/**
 * Reads the text form of a {@link MySqlGtidSet}: a hand-written scanner, linear in the length, that
 * collects sources and intervals in input order into a {@link GtidSetBuilder}, which normalises.
 * Strict: anything the server would not print (other than case, order, overlap and whitespace
 * around commas) is refused with a message naming the group and the part.
 */
final class MySqlGtidParser {
  private static final String WHAT = "MySQL GTID set: ";
  private static final int UUID_LENGTH = 36;
  private static final int MAX_TAG = 32;

  private MySqlGtidParser() {}

  static MySqlGtidSet parse(String text) {
    if (text == null) {
      throw new IllegalArgumentException(WHAT + "null");
    }
    int i = GtidText.skipSpace(text, 0);
    if (i == text.length()) {
      return MySqlGtidSet.EMPTY;
    }
    GtidSetBuilder p = new GtidSetBuilder(4, 8, false);
    int group = 0;
    while (true) {
      int comma = GtidText.nextComma(text, i);
      int end = GtidText.trimEnd(text, i, comma);
      group(text, group, i, end, p);
      group++;
      if (comma == text.length()) {
        break;
      }
      i = GtidText.skipSpace(text, comma + 1);
      if (i == text.length() || text.charAt(i) == ',') {
        throw new IllegalArgumentException(WHAT + "group " + (group + 1) + " is empty");
      }
    }
    return p.normalise();
  }

  /** One {@code uuid(:tag|:interval)+} group in {@code text[from, to)}. */
  private static void group(String text, int g, int from, int to, GtidSetBuilder p) {
    if (to - from < UUID_LENGTH
        || (to - from > UUID_LENGTH && text.charAt(from + UUID_LENGTH) != ':')) {
      throw bad(text, g, from, to, from, Math.min(to, from + UUID_LENGTH), "expected a uuid");
    }
    long uh = 0;
    long ul = 0;
    for (int k = 0; k < UUID_LENGTH; k++) {
      char c = text.charAt(from + k);
      if (k == 8 || k == 13 || k == 18 || k == 23) {
        if (c != '-') {
          throw bad(text, g, from, to, from, from + UUID_LENGTH, "not a uuid");
        }
        continue;
      }
      int h = hexDigit(c);
      if (h < 0) {
        throw bad(text, g, from, to, from, from + UUID_LENGTH, "not a uuid");
      }
      if (k < 18) {
        uh = uh << 4 | h;
      } else {
        ul = ul << 4 | h;
      }
    }
    String currentTag = "";
    boolean open = false; // a source for (uuid, currentTag) has intervals
    int i = from + UUID_LENGTH;
    while (i < to) {
      int s = i + 1; // after ':'
      int e = s;
      while (e < to && text.charAt(e) != ':') {
        e++;
      }
      if (s == e) {
        throw bad(text, g, from, to, s, e, "empty part after ':'");
      }
      char c = text.charAt(s);
      if (GtidText.isDigit(c)) {
        if (!open) {
          p.source(uh, ul, currentTag);
          open = true;
        }
        interval(text, g, from, to, s, e, p);
      } else {
        if (!open && (s > from + UUID_LENGTH + 1)) {
          throw bad(text, g, from, to, s, e, "tag '" + currentTag + "' has no interval before it");
        }
        currentTag = tag(text, g, from, to, s, e);
        open = false;
      }
      i = e;
    }
    if (!open) {
      throw bad(
          text,
          g,
          from,
          to,
          from,
          to,
          currentTag.isEmpty() ? "no interval" : "tag '" + currentTag + "' has no interval");
    }
  }

  /** ASCII only: {@code Character.digit} would take other scripts' digits. */
  private static int hexDigit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char l = (char) (c | 32);
    return l >= 'a' && l <= 'f' ? l - 'a' + 10 : -1;
  }

  private static void interval(
      String text, int g, int from, int to, int s, int e, GtidSetBuilder p) {
    int dash = s;
    while (dash < e && text.charAt(dash) != '-') {
      dash++;
    }
    long a = number(text, g, from, to, s, dash, s, e);
    long b = dash == e ? a : number(text, g, from, to, dash + 1, e, s, e);
    if (a < 1) {
      throw bad(text, g, from, to, s, e, "transaction numbers start at 1");
    }
    if (b < a) {
      throw bad(text, g, from, to, s, e, "interval ends before it starts");
    }
    p.add(a, b);
  }

  private static long number(String text, int g, int from, int to, int f, int t, int s, int e) {
    long v = GtidText.number(text, f, t, Long.MAX_VALUE - 1);
    if (v == -1) {
      throw bad(text, g, from, to, s, e, "expected n or n-m with decimal numbers");
    }
    if (v == -2) {
      throw bad(text, g, from, to, s, e, "transaction number above " + (Long.MAX_VALUE - 1));
    }
    return v;
  }

  private static String tag(String text, int g, int from, int to, int s, int e) {
    if (e - s > MAX_TAG) {
      throw bad(text, g, from, to, s, e, "tag longer than " + MAX_TAG + " characters");
    }
    char[] t = new char[e - s];
    for (int k = 0; k < t.length; k++) {
      char c = text.charAt(s + k);
      char l = c >= 'A' && c <= 'Z' ? (char) (c | 32) : c;
      boolean ok = (l >= 'a' && l <= 'z') || l == '_' || (k > 0 && GtidText.isDigit(l));
      if (!ok) {
        throw bad(text, g, from, to, s, e, "neither an interval nor a tag ([a-z_][a-z0-9_]{0,31})");
      }
      t[k] = l;
    }
    return new String(t);
  }

  private static IllegalArgumentException bad(
      String text, int g, int from, int to, int s, int e, String problem) {
    String where = to - from <= GtidText.MAX_QUOTED ? "" : " at" + GtidText.quote(text, s, e);
    return new IllegalArgumentException(
        WHAT + "group " + (g + 1) + GtidText.quote(text, from, to) + where + ": " + problem);
  }
}
