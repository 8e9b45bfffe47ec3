package dev.lagwise.routing;

/**
 * A hand-written {@code char} scanner over one SQL string, in the style of pgjdbc's {@code
 * core/Parser}: comments, quotes and dollar quotes are skipped exactly as the server would skip
 * them, and only token boundaries are reported (no token objects, no substrings).
 *
 * <p>Dialect differences that matter for safety: PostgreSQL nests block comments and ends {@code
 * --} comments at CR or LF; MySQL does not nest, ends comments at LF, needs a blank after {@code
 * --}, has {@code #} comments, backslash escapes and backticks, and runs the contents of {@code /*!
 * ... *&#47;} as code. Whether a backslash escapes a quote depends on server settings ({@code
 * standard_conforming_strings}, {@code NO_BACKSLASH_ESCAPES}); {@link #backslashSeen} tells the
 * caller to scan again under the other reading.
 */
final class Lexer {
  static final int EOF = 0;
  static final int WORD = 1;
  static final int QUOTED = 2;
  static final int STRING = 3;
  static final int NUMBER = 4;
  static final int PARAM = 5;
  static final int LPAREN = 6;
  static final int RPAREN = 7;
  static final int SEMI = 8;
  static final int DOT = 9;
  static final int COMMA = 10;
  static final int OP = 11;
  static final int DCOLON = 12;
  static final int ASSIGN = 13;
  static final int USERVAR = 14;
  static final int SYSVAR = 15;
  static final int ERROR = 16;

  private final String sql;

  /** The SQL text as chars: scanned and looked up without String.charAt. */
  final char[] buf;

  private final int len;
  private final boolean mysql;
  private final boolean altBackslash;

  /**
   * Reads {@code /*! ... *&#47;} and {@code /*M! ... *&#47;} as plain comments, as a server whose
   * version is below the comment's (or MySQL, for {@code /*M!}) does.
   */
  private final boolean execAsComment;

  private int pos;
  private boolean first = true;
  private boolean inExecComment;

  /** Current token: type and region; for QUOTED the region excludes the quotes. */
  int type;

  int start;
  int end;

  /** For WORD tokens: {@link NameTable#hash} of the region, ASCII case folded. */
  int hash;

  /**
   * The current QUOTED token contains doubled quotes or backslashes: its region is not its name.
   */
  boolean escaped;

  String error;
  boolean backslashSeen;
  boolean execCommentSeen;
  boolean hintPrimary;
  boolean hintReplica;

  Lexer(String sql, boolean mysql, boolean altBackslash, boolean execAsComment) {
    this.sql = sql;
    this.buf = sql.toCharArray();
    this.len = buf.length;
    this.mysql = mysql;
    this.altBackslash = altBackslash;
    this.execAsComment = execAsComment;
  }

  String sql() {
    return sql;
  }

  int next() {
    int t = scan();
    first = false;
    return type = t;
  }

  private int scan() {
    while (pos < len) {
      char c = buf[pos];
      if (c == ' ') {
        pos++;
        continue;
      }
      switch (c) {
        case ' ', '\t', '\n', '\r', '\f', '\u000b' -> pos++;
        case '-' -> {
          if (at(pos + 1) == '-' && (!mysql || pos + 2 >= len || at(pos + 2) <= ' ')) {
            skipLine();
          } else {
            return op();
          }
        }
        case '#' -> {
          if (mysql) {
            skipLine();
          } else {
            return op();
          }
        }
        case '/' -> {
          if (at(pos + 1) != '*') {
            return op();
          }
          if (!blockComment()) {
            return ERROR;
          }
        }
        case '*' -> {
          if (inExecComment && at(pos + 1) == '/') {
            inExecComment = false;
            pos += 2;
          } else {
            return op();
          }
        }
        case '\'' -> {
          return quoted('\'', STRING, mysql != altBackslash, true, "unterminated string literal");
        }
        case '"' -> {
          return mysql
              ? quoted('"', QUOTED, !altBackslash, true, "unterminated quoted string")
              : quoted('"', QUOTED, false, false, "unterminated quoted identifier");
        }
        case '`' -> {
          return mysql ? quoted('`', QUOTED, false, false, "unterminated quoted identifier") : op();
        }
        case '$' -> {
          if (mysql) {
            return word();
          }
          return dollar();
        }
        case '?' -> {
          return single(PARAM);
        }
        case '(' -> {
          return single(LPAREN);
        }
        case ')' -> {
          return single(RPAREN);
        }
        case ';' -> {
          return single(SEMI);
        }
        case ',' -> {
          return single(COMMA);
        }
        case '.' -> {
          return isDigit(at(pos + 1)) ? number() : single(DOT);
        }
        case ':' -> {
          char n = at(pos + 1);
          if (n == ':' || n == '=') {
            start = pos;
            pos += 2;
            end = pos;
            return n == ':' ? DCOLON : ASSIGN;
          }
          return op();
        }
        case '@' -> {
          if (mysql) {
            return variable();
          }
          return op();
        }
        default -> {
          if (isDigit(c)) {
            return number();
          }
          if (isIdentStart(c)) {
            return word();
          }
          return op();
        }
      }
    }
    if (inExecComment) {
      error = "unterminated comment";
      return ERROR;
    }
    start = end = len;
    return EOF;
  }

  private char at(int i) {
    return i < len ? buf[i] : '\0';
  }

  private int single(int t) {
    start = pos++;
    end = pos;
    return t;
  }

  private int op() {
    return single(OP);
  }

  private void skipLine() {
    while (pos < len) {
      char c = buf[pos];
      if (c == '\n' || (c == '\r' && !mysql)) {
        break;
      }
      pos++;
    }
  }

  /** Skips a block comment at {@code pos}; false (with {@link #error}) when unterminated. */
  private boolean blockComment() {
    int p = pos + 2;
    if (mysql
        && !execAsComment
        && !inExecComment
        && (at(p) == '!' || (at(p) == 'M' && at(p + 1) == '!'))) {
      p += at(p) == '!' ? 1 : 2;
      while (isDigit(at(p))) {
        p++;
      }
      inExecComment = true;
      execCommentSeen = true;
      pos = p;
      return true;
    }
    int depth = 1;
    int contentStart = p;
    while (p < len) {
      char c = buf[p];
      if (c == '*' && at(p + 1) == '/') {
        if (--depth == 0) {
          if (first) {
            hint(contentStart, p);
          }
          pos = p + 2;
          return true;
        }
        p += 2;
      } else if (c == '/' && at(p + 1) == '*' && !mysql) {
        depth++;
        p += 2;
      } else {
        p++;
      }
    }
    error = "unterminated comment";
    return false;
  }

  private void hint(int s, int e) {
    while (s < e && buf[s] <= ' ') {
      s++;
    }
    while (e > s && buf[e - 1] <= ' ') {
      e--;
    }
    if (e - s == 15 && sql.regionMatches(true, s, "lagwise:", 0, 8)) {
      if (sql.regionMatches(true, s + 8, "primary", 0, 7)) {
        hintPrimary = true;
      } else if (sql.regionMatches(true, s + 8, "replica", 0, 7)) {
        hintReplica = true;
      }
    }
  }

  /**
   * Scans a quoted token starting at {@code pos}. A doubled quote is an escaped quote; with {@code
   * backslash}, a backslash escapes the next character. {@code ambiguous} marks literals whose
   * backslash meaning depends on server settings.
   */
  private int quoted(char q, int t, boolean backslash, boolean ambiguous, String unterminated) {
    int p = pos + 1;
    boolean esc = false;
    while (p < len) {
      char c = buf[p];
      if (c == '\\' && (backslash || ambiguous)) {
        if (ambiguous) {
          backslashSeen = true;
        }
        esc = true;
        p += backslash ? 2 : 1;
      } else if (c == q) {
        if (at(p + 1) == q) {
          esc = true;
          p += 2;
        } else {
          start = pos + 1;
          end = p;
          escaped = esc;
          pos = p + 1;
          return t;
        }
      } else {
        p++;
      }
    }
    error = unterminated;
    pos = len;
    return ERROR;
  }

  /** PostgreSQL: {@code $1}, or a dollar-quoted string {@code $tag$...$tag$}, or the operator. */
  private int dollar() {
    int p = pos + 1;
    if (isDigit(at(p))) {
      start = pos;
      while (isDigit(at(p))) {
        p++;
      }
      pos = end = p;
      return PARAM;
    }
    if (at(p) != '$') {
      if (!isIdentStart(at(p)) || at(p) == '$') {
        return op();
      }
      while (p < len && at(p) != '$' && isIdentPart(at(p))) {
        p++;
      }
      if (at(p) != '$') {
        return op();
      }
    }
    int tagLen = p + 1 - pos;
    for (int q = p + 1; q + tagLen <= len; q++) {
      if (buf[q] == '$' && sql.regionMatches(q, sql, pos, tagLen)) {
        start = p + 1;
        end = q;
        pos = q + tagLen;
        return STRING;
      }
    }
    error = "unterminated dollar-quoted string";
    pos = len;
    return ERROR;
  }

  private int number() {
    start = pos;
    int p = pos;
    while (isDigit(at(p))) {
      p++;
    }
    if (at(p) == '.' && at(p + 1) != '.') {
      p++;
      while (isDigit(at(p))) {
        p++;
      }
    }
    char e = at(p);
    if (e == 'e' || e == 'E') {
      int q = p + 1;
      if (at(q) == '+' || at(q) == '-') {
        q++;
      }
      if (isDigit(at(q))) {
        p = q;
        while (isDigit(at(p))) {
          p++;
        }
      }
    }
    if (mysql && isIdentPart(at(p))) {
      // MySQL identifiers may start with a digit ("1abc"): the whole run is one name.
      pos = start;
      return word();
    }
    pos = end = p;
    return NUMBER;
  }

  private int word() {
    start = pos;
    int p = pos;
    int h = 0;
    char[] b = buf;
    for (int f; p < len; p++) {
      char c = b[p];
      if (c < 128) {
        if ((f = FOLDED_IDENT_PART[c]) == 0) {
          break;
        }
      } else {
        f = c;
      }
      h = 31 * h + f;
    }
    hash = h;
    pos = end = p;
    if (!mysql && p - start == 1 && (buf[start] | 32) == 'e' && at(p) == '\'') {
      return quoted('\'', STRING, true, false, "unterminated string literal");
    }
    return WORD;
  }

  /** MySQL {@code @name}, {@code @'name'}, {@code @@[session.]name}. */
  private int variable() {
    if (at(pos + 1) == '@') {
      int p = pos + 2;
      while (p < len && (isIdentPart(buf[p]) || buf[p] == '.')) {
        p++;
      }
      start = pos + 2;
      pos = end = p;
      return SYSVAR;
    }
    char n = at(pos + 1);
    if (n == '\'' || n == '"' || n == '`') {
      pos++;
      int t = quoted(n, USERVAR, n != '`' && !altBackslash, n != '`', "unterminated user variable");
      return t == ERROR ? ERROR : USERVAR;
    }
    int p = pos + 1;
    while (p < len && (isIdentPart(buf[p]) || buf[p] == '.')) {
      p++;
    }
    start = pos + 1;
    pos = end = p;
    return USERVAR;
  }

  static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static final boolean[] IDENT_START = new boolean[128];
  private static final boolean[] IDENT_PART = new boolean[128];

  /** For ASCII identifier characters their {@link NameTable#fold}ed value, else 0. */
  private static final char[] FOLDED_IDENT_PART = new char[128];

  static {
    for (char c = 0; c < 128; c++) {
      IDENT_START[c] = (c | 32) >= 'a' && (c | 32) <= 'z' || c == '_';
      IDENT_PART[c] = IDENT_START[c] || isDigit(c) || c == '$';
      FOLDED_IDENT_PART[c] = IDENT_PART[c] ? (char) NameTable.fold(c) : 0;
    }
  }

  static boolean isIdentStart(char c) {
    return c >= 128 || IDENT_START[c];
  }

  static boolean isIdentPart(char c) {
    return c >= 128 || IDENT_PART[c];
  }
}
