package dev.lagwise.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Keeps passwords out of messages: every URL that is logged or put in an exception goes here. */
final class Masking {

  private Masking() {}

  /**
   * The URL with the password of its user-info ({@code //user:***@host}) and the value of every
   * parameter whose name contains "password" (or "passwd", "secret") replaced.
   */
  static String maskUrl(String url) {
    if (url == null) {
      return "null";
    }
    int query = url.indexOf('?');
    String head = maskUserInfo(query < 0 ? url : url.substring(0, query));
    if (query < 0) {
      return head;
    }
    StringBuilder b = new StringBuilder(head).append('?');
    String[] parts = url.substring(query + 1).split("&", -1);
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      int eq = part.indexOf('=');
      String key = eq < 0 ? part : part.substring(0, eq);
      b.append(i > 0 ? "&" : "");
      if (eq >= 0 && isSecret(key)) {
        b.append(key).append("=***");
      } else {
        b.append(part);
      }
    }
    return b.toString();
  }

  /**
   * Everything from the first {@code ':'} after {@code //} to the last {@code '@'} before the query
   * is the password: the last '@' because a password may hold an unencoded one. A database name
   * with an '@' may be masked too; too much is better than too little.
   */
  private static String maskUserInfo(String head) {
    int start = head.indexOf("//");
    int at = head.lastIndexOf('@');
    if (start < 0 || at < start) {
      return head;
    }
    int colon = head.indexOf(':', start + 2);
    if (colon < 0 || colon > at) {
      return head;
    }
    return head.substring(0, colon + 1) + "***" + head.substring(at);
  }

  /**
   * True for a parameter name that holds a secret, also when percent-encoded ({@code pass%77ord}).
   */
  static boolean isSecret(String key) {
    String k;
    try {
      k = URLDecoder.decode(key, StandardCharsets.UTF_8).toLowerCase(Locale.ROOT);
    } catch (IllegalArgumentException e) {
      k = key.toLowerCase(Locale.ROOT);
    }
    return k.contains("password") || k.contains("passwd") || k.contains("secret");
  }

  /** Replaces every occurrence of {@code secret} in {@code message}; vendor errors can echo it. */
  static String scrub(String message, String secret) {
    if (message == null || secret == null || secret.isEmpty()) {
      return message;
    }
    return message.replace(secret, "***");
  }

  /**
   * {@code e} itself when its message does not contain {@code secret}; else a copy with the same
   * SQLState and error code and the secret replaced (without {@code e} as cause, which would carry
   * it).
   */
  static java.sql.SQLException scrubbed(java.sql.SQLException e, String secret) {
    String message = e.getMessage();
    String clean = scrub(message, secret);
    if (clean == null || clean.equals(message)) {
      return e;
    }
    return new java.sql.SQLException(clean, e.getSQLState(), e.getErrorCode());
  }
}
