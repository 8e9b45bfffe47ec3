package dev.lagwise.jdbc;

import java.util.Locale;

/** Keeps passwords out of messages: every URL that is logged or put in an exception goes here. */
final class Masking {

  private Masking() {}

  /** The URL with the value of every parameter whose name contains "password" replaced. */
  static String maskUrl(String url) {
    if (url == null) {
      return "null";
    }
    int query = url.indexOf('?');
    if (query < 0) {
      return url;
    }
    StringBuilder b = new StringBuilder(url.substring(0, query + 1));
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

  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password") || k.contains("passwd") || k.contains("secret");
  }

  /** Replaces every occurrence of {@code secret} in {@code message}; vendor errors can echo it. */
  static String scrub(String message, String secret) {
    if (message == null || secret == null || secret.isEmpty()) {
      return message;
    }
    return message.replace(secret, "***");
  }
}
