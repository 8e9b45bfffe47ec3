package dev.lagwise.routing;

import java.util.ArrayList;
import java.util.List;

/**
 * The words the classifier looks at, with an id each, and which of them are syntax rather than a
 * function name when followed by {@code (} ({@code IN (}, {@code EXISTS (}, {@code CAST (}, ...).
 * For PostgreSQL those are the reserved and column-name keywords, which can never name a function.
 */
final class Keywords {
  /** Not a function call when followed by {@code (}: PostgreSQL. */
  static final int NOT_CALL_PG = 1;

  /** Not a function call when followed by {@code (}: MySQL and MariaDB. */
  static final int NOT_CALL_MY = 2;

  /** Words that start a join, after which {@code JOIN (} is a join, not a call. */
  static final int JOIN_TYPE = 4;

  private static final int BOTH = NOT_CALL_PG | NOT_CALL_MY;
  private static final List<String> NAMES = new ArrayList<>();
  private static final List<Integer> FLAGS = new ArrayList<>();

  private static int k(String word, int flags) {
    NAMES.add(word);
    FLAGS.add(flags);
    return NAMES.size() - 1;
  }

  private static int k(String word) {
    return k(word, 0);
  }

  // Statement heads.
  static final int SELECT = k("select", BOTH);
  static final int WITH = k("with", BOTH);
  static final int VALUES = k("values", BOTH);
  static final int TABLE = k("table", NOT_CALL_PG);
  static final int SHOW = k("show");
  static final int EXPLAIN = k("explain");
  static final int DESCRIBE = k("describe");
  static final int DESC = k("desc", BOTH);
  static final int BEGIN = k("begin");
  static final int START = k("start");
  static final int COMMIT = k("commit");
  static final int END = k("end", NOT_CALL_PG);
  static final int ROLLBACK = k("rollback");
  static final int ABORT = k("abort");
  static final int SAVEPOINT = k("savepoint");
  static final int RELEASE = k("release");
  static final int SET = k("set");
  static final int RESET = k("reset");
  static final int DISCARD = k("discard");
  static final int LISTEN = k("listen");
  static final int UNLISTEN = k("unlisten");
  static final int PREPARE = k("prepare");
  static final int EXECUTE = k("execute");
  static final int DEALLOCATE = k("deallocate");
  static final int DECLARE = k("declare");
  static final int FETCH = k("fetch", NOT_CALL_PG);
  static final int MOVE = k("move");
  static final int CLOSE = k("close");
  static final int LOCK = k("lock");
  static final int UNLOCK = k("unlock");
  static final int CREATE = k("create", NOT_CALL_PG);
  static final int LOAD = k("load");
  static final int USE = k("use");
  static final int XA = k("xa");
  static final int HANDLER = k("handler");
  static final int INSERT = k("insert");
  static final int UPDATE = k("update");
  static final int DELETE = k("delete");
  static final int MERGE = k("merge");
  static final int REPLACE = k("replace");
  static final int CALL = k("call");
  static final int DO = k("do", NOT_CALL_PG);
  static final int COPY = k("copy");

  // Words inside statements.
  static final int FOR = k("for", BOTH);
  static final int SHARE = k("share");
  static final int NO = k("no");
  static final int KEY = k("key", NOT_CALL_MY);
  static final int IN = k("in", BOTH);
  static final int INTO = k("into", BOTH);
  static final int NEXT = k("next");
  static final int PREVIOUS = k("previous");
  static final int VALUE = k("value");
  static final int AS = k("as", BOTH);
  static final int TABLESAMPLE = k("tablesample");
  static final int BY = k("by", BOTH);
  static final int GROUPING = k("grouping", NOT_CALL_PG);
  static final int SETS = k("sets");
  static final int CUBE = k("cube");
  static final int ROLLUP = k("rollup");
  static final int JOIN = k("join", NOT_CALL_MY);
  static final int SQL_CALC_FOUND_ROWS = k("sql_calc_found_rows");
  static final int TEMP = k("temp");
  static final int TEMPORARY = k("temporary");
  static final int OUTFILE = k("outfile");
  static final int DUMPFILE = k("dumpfile");
  static final int GLOBAL = k("global");
  static final int PERSIST = k("persist");
  static final int PERSIST_ONLY = k("persist_only");
  static final int SESSION = k("session");
  static final int LOCAL = k("local");
  static final int TRANSACTION = k("transaction");
  static final int READ = k("read");
  static final int ONLY = k("only", NOT_CALL_PG);
  static final int WRITE = k("write");
  static final int CHAIN = k("chain");
  static final int AND = k("and", BOTH);
  static final int TO = k("to", NOT_CALL_PG);
  static final int PREPARED = k("prepared");
  static final int ROLE = k("role");
  static final int AUTHORIZATION = k("authorization");
  static final int CHARACTERISTICS = k("characteristics");
  static final int CONSTRAINTS = k("constraints");
  static final int ALL = k("all", BOTH);
  static final int HOLD = k("hold");
  static final int ANALYZE = k("analyze", NOT_CALL_PG);
  static final int ANALYSE = k("analyse", NOT_CALL_PG);
  static final int NOT = k("not", BOTH);
  static final int WARNINGS = k("warnings");
  static final int ERRORS = k("errors");
  static final int COUNT = k("count");
  static final int PROFILE = k("profile");
  static final int PROFILES = k("profiles");
  static final int AUTOCOMMIT = k("autocommit");
  static final int STATEMENT = k("statement");
  static final int PASSWORD = k("password");
  static final int DEFAULT = k("default", NOT_CALL_PG);
  static final int VARYING = k("varying");
  static final int CHARACTER = k("character", NOT_CALL_PG);
  static final int CHAR = k("char", NOT_CALL_PG);
  static final int BIT = k("bit", NOT_CALL_PG);
  static final int NATIONAL = k("national", NOT_CALL_PG);

  static {
    for (String w : new String[] {"left", "right", "full", "inner", "outer", "cross", "natural"}) {
      k(w, JOIN_TYPE | (w.equals("left") || w.equals("right") ? 0 : NOT_CALL_MY));
    }
    k("straight_join", JOIN_TYPE | NOT_CALL_MY);
    // PostgreSQL reserved keywords (never a function name) not registered above.
    for (String w :
        ("analyse any array asc asymmetric both case cast check collate column constraint"
                + " current_catalog current_date current_role current_time current_timestamp"
                + " current_user deferrable distinct else except false foreign from grant group"
                + " having initially intersect lateral leading limit localtime localtimestamp null"
                + " offset on or order placing primary references returning session_user some"
                + " symmetric system_user then trailing true union unique user using variadic when"
                + " where window")
            .split(" ")) {
      if (!NAMES.contains(w)) {
        k(w, NOT_CALL_PG);
      }
    }
    // PostgreSQL column-name keywords: special syntax or type names, never a function name.
    for (String w :
        ("between bigint boolean coalesce dec decimal exists extract float greatest inout int"
                + " integer interval json json_array json_arrayagg json_exists json_object"
                + " json_objectagg json_query json_scalar json_serialize json_table json_value least"
                + " merge_action nchar none normalize nullif numeric out overlay position precision"
                + " real row setof smallint substring time timestamp treat trim varchar"
                + " xmlattributes xmlconcat xmlelement xmlexists xmlforest xmlnamespaces xmlparse"
                + " xmlpi xmlroot xmlserialize xmltable")
            .split(" ")) {
      if (!NAMES.contains(w)) {
        k(w, NOT_CALL_PG);
      }
    }
    // MySQL/MariaDB words that take parentheses without being a call (operators, clauses, types).
    for (String w :
        ("any array case cast columns distinct dual exists from group having index intersect"
                + " except lateral limit match against of on or order over partition regexp rlike"
                + " some union using when where window xor div like is between escape interval"
                + " binary collate json_table then else row signed unsigned decimal dec numeric"
                + " integer int float double real nchar varchar datetime")
            .split(" ")) {
      int i = NAMES.indexOf(w);
      if (i < 0) {
        k(w, NOT_CALL_MY);
      } else {
        FLAGS.set(i, FLAGS.get(i) | NOT_CALL_MY);
      }
    }
  }

  private static final int[] FLAG_ARRAY = FLAGS.stream().mapToInt(Integer::intValue).toArray();
  private static final NameTable TABLE_OF_WORDS = new NameTable(NAMES.toArray(new String[0]), null);
  private static final String[] UPPER =
      NAMES.stream().map(w -> w.toUpperCase(java.util.Locale.ROOT)).toArray(String[]::new);

  private Keywords() {}

  /** The keyword id of the region, or -1. Quoted names are never keywords. */
  static int id(char[] sql, int start, int end, int foldedHash) {
    return end - start > 19 ? -1 : TABLE_OF_WORDS.get(sql, start, end, false, foldedHash);
  }

  static int flags(int id) {
    return id < 0 ? 0 : FLAG_ARRAY[id];
  }

  static String upperOr(int id, String fallback) {
    return id < 0 ? fallback : UPPER[id];
  }

  static String upper(int id) {
    return UPPER[id];
  }
}
