package dev.lagwise.jdbc;

import java.lang.reflect.Method;
import java.sql.PreparedStatement;
import java.util.List;

/**
 * Writes {@code RecordingPreparedStatement}: the parameter setters of a routed prepared statement.
 * A read may run on a different node at each execution (a replica, or the primary inside a
 * transaction or after a replica failed), so its parameters are kept here and applied to the
 * physical statement of the chosen node at execute time. Primitive first arguments are stored
 * unboxed so that {@code setInt}/{@code setLong} allocate nothing.
 */
final class RecordingGenerator {

  private RecordingGenerator() {}

  static List<Method> setters() {
    return DelegateGenerator.methodsOf(PreparedStatement.class).stream()
        .filter(m -> m.getName().startsWith("set") && m.getParameterCount() >= 2)
        .filter(m -> m.getParameterTypes()[0] == int.class)
        .toList();
  }

  static String generate() {
    List<Method> setters = setters();
    StringBuilder b = new StringBuilder();
    DelegateGenerator.header(b);
    b.append(
        "/** Parameter setters of a routed prepared statement: recorded, applied at execute. */\n");
    b.append("@SuppressWarnings({\"deprecation\", \"removal\", \"cast\"})\n@SuppressForbidden\n");
    b.append("abstract class RecordingPreparedStatement extends LogicalStatement\n");
    b.append("    implements java.sql.PreparedStatement {\n\n");
    b.append("  private byte[] kinds = new byte[16];\n");
    b.append("  private long[] primitives = new long[16];\n");
    b.append("  private Object[] values = new Object[16];\n");
    b.append("  private Object[] seconds = new Object[16];\n");
    b.append("  private Object[] thirds = new Object[16];\n");
    b.append("  private int highest;\n\n");
    b.append(
        "  RecordingPreparedStatement(LogicalConnection connection, int type, int concurrency,");
    b.append(" int holdability) {\n");
    b.append("    super(connection, type, concurrency, holdability);\n  }\n\n");
    b.append("  private void slot(int index) throws java.sql.SQLException {\n");
    b.append("    if (index < 1) {\n");
    b.append(
        "      throw new java.sql.SQLException(\"Parameter index out of range: \" + index, \"22023\");\n");
    b.append("    }\n");
    b.append("    if (index >= kinds.length) {\n");
    b.append("      int n = Math.max(index + 1, kinds.length * 2);\n");
    b.append("      kinds = java.util.Arrays.copyOf(kinds, n);\n");
    b.append("      primitives = java.util.Arrays.copyOf(primitives, n);\n");
    b.append("      values = java.util.Arrays.copyOf(values, n);\n");
    b.append("      seconds = java.util.Arrays.copyOf(seconds, n);\n");
    b.append("      thirds = java.util.Arrays.copyOf(thirds, n);\n");
    b.append("    }\n");
    b.append("    if (index > highest) {\n      highest = index;\n    }\n  }\n\n");
    b.append("  @Override\n  public void clearParameters() throws java.sql.SQLException {\n");
    b.append("    java.util.Arrays.fill(kinds, 0, highest + 1, (byte) 0);\n");
    b.append("    java.util.Arrays.fill(values, 0, highest + 1, null);\n");
    b.append("    java.util.Arrays.fill(seconds, 0, highest + 1, null);\n");
    b.append("    java.util.Arrays.fill(thirds, 0, highest + 1, null);\n");
    b.append("    highest = 0;\n  }\n\n");
    b.append("  /** True when a parameter is a stream or reader: it can be sent only once. */\n");
    b.append("  final boolean hasStreamParameter() {\n");
    b.append("    for (int i = 1; i <= highest; i++) {\n");
    b.append(
        "      if (values[i] instanceof java.io.InputStream || values[i] instanceof java.io.Reader) {\n");
    b.append("        return true;\n      }\n    }\n    return false;\n  }\n\n");
    b.append("  /**\n");
    b.append(
        "   * Reads every stream and reader parameter into memory once (up to its declared length), so that\n");
    b.append("   * the statement can be sent again: a retry must not send a consumed stream.\n");
    b.append("   */\n");
    b.append("  final void bufferStreams() throws java.sql.SQLException {\n");
    b.append("    try {\n");
    b.append("      for (int i = 1; i <= highest; i++) {\n");
    b.append(
        "        long limit = seconds[i] instanceof Number ? ((Number) seconds[i]).longValue() : -1;\n");
    b.append(
        "        if (values[i] instanceof java.io.InputStream && !(values[i] instanceof java.io.ByteArrayInputStream)) {\n");
    b.append("          java.io.InputStream in = (java.io.InputStream) values[i];\n");
    b.append(
        "          byte[] b = limit < 0 ? in.readAllBytes() : in.readNBytes((int) Math.min(limit, Integer.MAX_VALUE));\n");
    b.append("          values[i] = new java.io.ByteArrayInputStream(b);\n");
    b.append(
        "        } else if (values[i] instanceof java.io.Reader && !(values[i] instanceof java.io.StringReader)) {\n");
    b.append("          java.io.Reader in = (java.io.Reader) values[i];\n");
    b.append("          StringBuilder b = new StringBuilder();\n");
    b.append("          char[] buf = new char[8192];\n");
    b.append(
        "          for (int n; (limit < 0 || b.length() < limit) && (n = in.read(buf, 0, limit < 0 ? buf.length : (int) Math.min(buf.length, limit - b.length()))) > 0; ) {\n");
    b.append("            b.append(buf, 0, n);\n");
    b.append("          }\n");
    b.append("          values[i] = new java.io.StringReader(b.toString());\n");
    b.append("        }\n");
    b.append("      }\n");
    b.append("    } catch (java.io.IOException e) {\n");
    b.append(
        "      throw new java.sql.SQLException(\"Cannot read a stream parameter: \" + e.getMessage(), \"HY000\", e);\n");
    b.append("    }\n");
    b.append("  }\n");
    b.append("\n");
    b.append("  /** Rewinds the buffered stream parameters to their start, before each send. */\n");
    b.append("  final void rewindStreams() throws java.sql.SQLException {\n");
    b.append("    try {\n");
    b.append("      for (int i = 1; i <= highest; i++) {\n");
    b.append("        if (values[i] instanceof java.io.ByteArrayInputStream) {\n");
    b.append("          ((java.io.ByteArrayInputStream) values[i]).reset();\n");
    b.append("        } else if (values[i] instanceof java.io.StringReader) {\n");
    b.append("          ((java.io.StringReader) values[i]).reset();\n");
    b.append("        }\n");
    b.append("      }\n");
    b.append("    } catch (java.io.IOException e) {\n");
    b.append(
        "      throw new java.sql.SQLException(\"Cannot rewind a stream parameter: \" + e.getMessage(), \"HY000\", e);\n");
    b.append("    }\n");
    b.append("  }\n");
    b.append("\n");
    b.append(
        "  /** Sets every recorded parameter on {@code ps}, which belongs to the chosen node. */\n");
    b.append(
        "  final void applyParameters(java.sql.PreparedStatement ps) throws java.sql.SQLException {\n");
    b.append("    ps.clearParameters();\n");
    b.append("    for (int i = 1; i <= highest; i++) {\n");
    b.append("      switch (kinds[i]) {\n");
    b.append("        case 0:\n          break;\n");
    for (int k = 0; k < setters.size(); k++) {
      Method m = setters.get(k);
      Class<?>[] p = m.getParameterTypes();
      b.append("        case ")
          .append(k + 1)
          .append(":\n          ps.")
          .append(m.getName())
          .append("(i");
      for (int a = 1; a < p.length; a++) {
        b.append(", ").append(unstore(p[a], a));
      }
      b.append(");\n          break;\n");
    }
    b.append(
        "        default:\n          throw new IllegalStateException(\"kind \" + kinds[i]);\n");
    b.append("      }\n    }\n  }\n");
    for (int k = 0; k < setters.size(); k++) {
      Method m = setters.get(k);
      Class<?>[] p = m.getParameterTypes();
      b.append('\n').append(DelegateGenerator.signature(m)).append(" {\n");
      b.append("    slot(p0);\n    kinds[p0] = ").append(k + 1).append(";\n");
      for (int a = 1; a < p.length; a++) {
        b.append("    ").append(store(p[a], a)).append(";\n");
      }
      b.append("  }\n");
    }
    return b.append("}\n").toString();
  }

  private static String array(int argument) {
    return argument == 1 ? "values" : argument == 2 ? "seconds" : "thirds";
  }

  private static String store(Class<?> type, int a) {
    if (a == 1 && type.isPrimitive()) {
      String v = "p1";
      if (type == boolean.class) {
        v = "p1 ? 1L : 0L";
      } else if (type == double.class) {
        v = "Double.doubleToRawLongBits(p1)";
      } else if (type == float.class) {
        v = "Float.floatToRawIntBits(p1)";
      }
      return "primitives[p0] = " + v;
    }
    return array(a) + "[p0] = p" + a;
  }

  private static String unstore(Class<?> type, int a) {
    if (a == 1 && type.isPrimitive()) {
      if (type == boolean.class) {
        return "primitives[i] != 0";
      } else if (type == double.class) {
        return "Double.longBitsToDouble(primitives[i])";
      } else if (type == float.class) {
        return "Float.intBitsToFloat((int) primitives[i])";
      }
      return "(" + type.getName() + ") primitives[i]";
    }
    String name = type.isPrimitive() ? boxed(type) : DelegateGenerator.typeName(type);
    return "(" + name + ") " + array(a) + "[i]";
  }

  private static String boxed(Class<?> primitive) {
    return primitive == int.class ? "Integer" : primitive == long.class ? "Long" : "Boolean";
  }
}
