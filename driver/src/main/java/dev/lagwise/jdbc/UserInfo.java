package dev.lagwise.jdbc;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/**
 * The {@code user[:password]@} in front of a host of the URL, percent-decoded. RFC 3986 user-info,
 * not a form: {@code +} stays {@code +}. {@link #toString()} never shows the password.
 */
record UserInfo(String user, String password) {

  /**
   * Splits at the first {@code ':'} (a user name cannot contain one unencoded, a password can).
   * Null when {@code raw} has an invalid percent-escape; the caller says so without echoing it.
   */
  static UserInfo decode(String raw) {
    int colon = raw.indexOf(':');
    try {
      return new UserInfo(
          percentDecode(colon < 0 ? raw : raw.substring(0, colon)),
          colon < 0 ? null : percentDecode(raw.substring(colon + 1)));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static String percentDecode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  @Override
  public String toString() {
    return user + (password == null ? "" : ":***");
  }
}
