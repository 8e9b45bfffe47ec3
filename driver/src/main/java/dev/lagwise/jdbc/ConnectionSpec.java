package dev.lagwise.jdbc;

import dev.lagwise.CredentialsProvider;
import dev.lagwise.LagwiseProperty;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;

/**
 * A parsed {@code jdbc:lagwise:<vendor>://[user[:password]@]host[:port],.../database?params} URL
 * plus the caller's {@link Properties}, split into Lagwise's settings and what goes to the vendor
 * driver.
 *
 * <p>Precedence: user-info wins over a URL parameter (as in MySQL Connector/J), and a parameter in
 * the URL wins over the same key in {@code Properties} (as in PgJDBC). Keys starting with {@code
 * lagwise.} are Lagwise's and never reach the vendor driver; every other URL parameter is passed on
 * byte for byte (not decoded and re-encoded), every other property is copied into a new {@code
 * Properties}. The caller's object is never modified.
 *
 * <p>User-info is for the whole cluster (every host, the monitor included, uses one user and
 * password), so it is written once before the first host; a later host may only repeat it. It
 * reaches the vendor as the {@code user} and {@code password} properties, never in a vendor URL, so
 * neither it nor anything derived from the hosts (thread names, the MBean name, statistics,
 * messages) can show the password.
 */
final class ConnectionSpec {

  static final String PREFIX = "jdbc:lagwise:";

  final Dialect dialect;
  final List<HostSpec> hosts;

  /** The database path segment as written in the URL (still URL-encoded). */
  final String rawDatabase;

  /** The vendor's URL parameters, raw, joined with '&'; empty when none. */
  final String vendorQuery;

  final Properties vendorProperties;
  final Settings settings;

  /** The URL the application gave, credentials masked: what {@code getURL()} reports. */
  final String maskedUrl;

  /**
   * The vendor's default fetch size for new statements ({@code defaultRowFetchSize} of PgJDBC,
   * {@code defaultFetchSize} of MariaDB Connector/J), or 0: what {@code getFetchSize()} reports
   * before {@code setFetchSize}.
   */
  final int defaultFetchSize;

  /** The user the vendor will log in as (user-info, URL parameter, property); may be empty. */
  private final String user;

  /** The password the vendor will be given, wherever it came from; null when none. */
  private final String password;

  /**
   * Gives the user and password of each connect instead ({@link Login}); null when none. Set from
   * {@code LagwiseDataSource.setCredentials}, or by the cluster from {@code
   * lagwise.credentialsProvider} ({@link #withCredentials}).
   */
  final CredentialsProvider credentials;

  private ConnectionSpec(
      Dialect dialect,
      List<HostSpec> hosts,
      String rawDatabase,
      String vendorQuery,
      Properties vendorProperties,
      Settings settings,
      String user,
      String password,
      String maskedUrl,
      CredentialsProvider credentials) {
    this.credentials = credentials;
    this.dialect = dialect;
    this.hosts = hosts;
    this.rawDatabase = rawDatabase;
    this.vendorQuery = vendorQuery;
    this.vendorProperties = vendorProperties;
    this.settings = settings;
    this.user = user;
    this.password = password;
    this.maskedUrl = maskedUrl;
    String fetch =
        vendorParameter(dialect == Dialect.POSTGRESQL ? "defaultRowFetchSize" : "defaultFetchSize");
    int rows = 0;
    try {
      rows = fetch == null ? 0 : Math.max(0, Integer.parseInt(fetch.trim()));
    } catch (NumberFormatException e) {
      // The vendor driver refuses the value when it connects, with its own message.
    }
    this.defaultFetchSize = rows;
  }

  /**
   * A vendor parameter as the vendor driver sees it: the URL's (the last one) over the {@code
   * Properties}'; null when neither gives it.
   */
  String vendorParameter(String name) {
    String value = null;
    if (!vendorQuery.isEmpty()) {
      for (String part : vendorQuery.split("&", -1)) {
        int eq = part.indexOf('=');
        if (eq > 0 && decodeOrRaw(part.substring(0, eq)).equals(name)) {
          value = decodeOrRaw(part.substring(eq + 1));
        }
      }
    }
    return value != null ? value : vendorProperties.getProperty(name);
  }

  static boolean accepts(String url) {
    return url != null && url.startsWith(PREFIX);
  }

  static ConnectionSpec parse(String url, Properties info) throws SQLException {
    return parse(url, info, null);
  }

  /** As {@link #parse(String, Properties)}, with the data source's credentials provider or null. */
  static ConnectionSpec parse(String url, Properties info, CredentialsProvider credentials)
      throws SQLException {
    if (!accepts(url)) {
      throw new SQLException(
          "Not a Lagwise URL: " + Masking.maskUrl(url), Errors.CONNECTION_FAILED);
    }
    String rest = url.substring(PREFIX.length());
    Dialect dialect = null;
    for (Dialect d : Dialect.values()) {
      if (rest.startsWith(d.urlPrefix())) {
        dialect = d;
      }
    }
    if (dialect == null) {
      throw malformed(url, "expected postgresql://, mysql:// or mariadb:// after jdbc:lagwise:");
    }
    rest = rest.substring(dialect.urlPrefix().length());
    int query = rest.indexOf('?');
    String beforeQuery = query < 0 ? rest : rest.substring(0, query);
    int slash = beforeQuery.indexOf('/');
    String authority = slash < 0 ? beforeQuery : beforeQuery.substring(0, slash);
    String database = slash < 0 ? "" : beforeQuery.substring(slash + 1);
    String[] hostParts = authority.split(",", -1);
    UserInfo userInfo = stripUserInfo(url, hostParts);
    List<HostSpec> hosts = parseHosts(url, hostParts, dialect.defaultPort);
    boolean userFromUserInfo = userInfo != null;
    boolean passwordFromUserInfo = userInfo != null && userInfo.password() != null;

    Map<String, String> lagwise = new HashMap<>();
    StringBuilder vendorQuery = new StringBuilder();
    String urlUser = null;
    String urlPassword = null;
    if (query >= 0) {
      for (String part : rest.substring(query + 1).split("&", -1)) {
        if (part.isEmpty()) {
          continue;
        }
        int eq = part.indexOf('=');
        String key = decode(eq < 0 ? part : part.substring(0, eq));
        String raw = eq < 0 ? "" : part.substring(eq + 1);
        if (key.startsWith(LagwiseProperty.PREFIX)) {
          lagwise.put(key, decode(raw));
          continue;
        }
        if ((userFromUserInfo && key.equals("user"))
            || (passwordFromUserInfo && key.equals("password"))) {
          // User-info wins, so the parameter is dropped: the vendor would let it win over ours.
          continue;
        }
        if (key.equals("user")) {
          urlUser = decode(raw);
        } else if (key.equals("password")) {
          urlPassword = decodeOrRaw(raw);
        }
        vendorQuery.append(vendorQuery.length() == 0 ? "" : "&").append(part);
      }
    }
    Properties vendor = new Properties();
    if (info != null) {
      for (String key : info.stringPropertyNames()) {
        String value = info.getProperty(key);
        if (key.startsWith(LagwiseProperty.PREFIX)) {
          lagwise.putIfAbsent(key, value);
        } else {
          vendor.setProperty(key, value);
        }
      }
    }
    if (userFromUserInfo) {
      vendor.setProperty("user", userInfo.user());
    }
    if (passwordFromUserInfo) {
      vendor.setProperty("password", userInfo.password());
    }
    Settings settings = Settings.parse(lagwise);
    boolean provided = credentials != null || !settings.credentialsProvider.isEmpty();
    if (provided && urlPassword != null) {
      // The vendor lets a URL parameter win over the properties the provider's password is in.
      throw Errors.invalid(
          "A password parameter in the URL "
              + Masking.maskUrl(url)
              + " would override the credentials provider's: give one or the other");
    }
    return new ConnectionSpec(
        dialect,
        hosts,
        database,
        vendorQuery.toString(),
        vendor,
        settings,
        urlUser != null ? urlUser : vendor.getProperty("user", ""),
        urlPassword != null ? urlPassword : vendor.getProperty("password"),
        Masking.maskUrl(url),
        credentials);
  }

  /** This spec with {@code provider} giving each connect's credentials. */
  ConnectionSpec withCredentials(CredentialsProvider provider) {
    return new ConnectionSpec(
        dialect,
        hosts,
        rawDatabase,
        vendorQuery,
        vendorProperties,
        settings,
        user,
        password,
        maskedUrl,
        provider);
  }

  /** The properties of one vendor connect, with the provider's credentials of the moment. */
  Login login() throws SQLException {
    return Login.of(vendorProperties, user, password, credentials);
  }

  /**
   * Takes the {@code user[:password]@} off each host in {@code parts} (in place) and returns it, or
   * null when there is none. The last {@code '@'} of a host separates it, so a password may contain
   * an unencoded {@code '@'} or {@code ':'}. Messages here never quote the user-info.
   */
  private static UserInfo stripUserInfo(String url, String[] parts) throws SQLException {
    UserInfo first = null;
    for (int i = 0; i < parts.length; i++) {
      int at = parts[i].lastIndexOf('@');
      if (at < 0) {
        continue;
      }
      UserInfo u = UserInfo.decode(parts[i].substring(0, at));
      parts[i] = parts[i].substring(at + 1);
      if (u == null) {
        throw malformed(
            url, "invalid percent-encoding in the user-info (write a literal '%' as %25)");
      }
      if (u.user().isEmpty()) {
        throw malformed(url, "user-info without a user name: write user:password@host");
      }
      if (i == 0) {
        first = u;
      } else if (!u.equals(first)) {
        throw malformed(
            url,
            "user-info in front of host "
                + (i + 1)
                + " differs from the first host's: every host is reached with the same user and"
                + " password, so write them once, before the first host");
      }
    }
    return first;
  }

  private static List<HostSpec> parseHosts(String url, String[] parts, int defaultPort)
      throws SQLException {
    if (parts.length == 1 && parts[0].isEmpty()) {
      throw malformed(url, "no hosts: write at least one host, e.g. //db1:5432,db2:5432/shop");
    }
    List<HostSpec> hosts = new ArrayList<>();
    for (String part : parts) {
      if (part.isEmpty()) {
        throw malformed(url, "empty host in the host list '" + String.join(",", parts) + "'");
      }
      String host = part;
      String port = null;
      if (part.startsWith("[")) {
        int close = part.indexOf(']');
        if (close < 0) {
          throw malformed(url, "unterminated IPv6 literal '" + part + "'");
        }
        host = part.substring(0, close + 1);
        if (close + 1 < part.length()) {
          if (part.charAt(close + 1) != ':') {
            throw malformed(url, "unexpected text after IPv6 literal in '" + part + "'");
          }
          port = part.substring(close + 2);
        }
      } else {
        int colon = part.lastIndexOf(':');
        if (colon >= 0) {
          host = part.substring(0, colon);
          port = part.substring(colon + 1);
        }
      }
      if (host.isEmpty()) {
        throw malformed(url, "empty host name in '" + part + "'");
      }
      hosts.add(new HostSpec(host, port == null ? defaultPort : parsePort(url, port)));
    }
    return List.copyOf(hosts);
  }

  private static int parsePort(String url, String port) throws SQLException {
    int value = -1;
    if (!port.isEmpty() && port.length() <= 5 && port.chars().allMatch(c -> c >= '0' && c <= '9')) {
      value = Integer.parseInt(port);
    }
    if (value < 1 || value > 65535) {
      throw malformed(url, "invalid port '" + port + "' (expected 1-65535)");
    }
    return value;
  }

  private static String decode(String s) throws SQLException {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw Errors.invalid("Invalid percent-encoding in URL parameter '" + s + "'");
    }
  }

  /** For a password, whose value must not be quoted: the vendor will judge an invalid escape. */
  private static String decodeOrRaw(String s) {
    try {
      return URLDecoder.decode(s, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }

  private static SQLException malformed(String url, String problem) {
    return new SQLException(
        "Malformed Lagwise URL " + Masking.maskUrl(url) + ": " + problem, Errors.CONNECTION_FAILED);
  }

  /** The vendor URL for one host: the same URL with the Lagwise prefix and parameters removed. */
  String vendorUrl(HostSpec host) {
    return vendorUrl(host, "");
  }

  /**
   * The vendor URL for one host with {@code overrides} ({@code k=v&k=v}) appended: drivers take the
   * last of repeated URL parameters, and URL parameters win over {@code Properties}.
   */
  String vendorUrl(HostSpec host, String overrides) {
    String base = "jdbc:" + dialect.scheme + "://" + host + "/" + rawDatabase;
    String query =
        vendorQuery.isEmpty()
            ? overrides
            : overrides.isEmpty() ? vendorQuery : vendorQuery + "&" + overrides;
    return query.isEmpty() ? base : base + "?" + query;
  }

  /** The user name the vendor logs in with, for the cluster key; may be empty. */
  String user() {
    return user;
  }

  /**
   * The password the vendor is given, to scrub from vendor messages; null when none. Never put it
   * in a message.
   */
  String password() {
    return password;
  }

  /** Identifies the cluster: same dialect, same set of hosts in any order, same database, user. */
  /**
   * This spec with its hosts in {@code cluster}'s order. URLs that list the same hosts in another
   * order share one cluster (its key sorts them), and node numbers are the cluster's: the monitor's
   * primary, a statistic's host, a physical connection's host must be the same server.
   */
  ConnectionSpec inHostOrderOf(ConnectionSpec cluster) {
    if (cluster.hosts.equals(hosts)) {
      return this;
    }
    List<HostSpec> ordered = new ArrayList<>(cluster.hosts.size());
    for (HostSpec theirs : cluster.hosts) {
      String name = theirs.toString().toLowerCase(Locale.ROOT);
      for (HostSpec mine : hosts) {
        if (mine.toString().toLowerCase(Locale.ROOT).equals(name)) {
          ordered.add(mine);
          break;
        }
      }
    }
    if (ordered.size() != hosts.size()) {
      throw new IllegalStateException("not the same hosts: " + hosts + " and " + cluster.hosts);
    }
    return new ConnectionSpec(
        dialect,
        List.copyOf(ordered),
        rawDatabase,
        vendorQuery,
        vendorProperties,
        settings,
        user,
        password,
        maskedUrl,
        credentials);
  }

  String clusterKey() {
    List<String> names = new ArrayList<>();
    for (HostSpec h : hosts) {
      names.add(h.toString().toLowerCase(Locale.ROOT));
    }
    names.sort(null);
    return dialect.scheme + "://" + String.join(",", names) + "/" + rawDatabase + "?user=" + user();
  }

  @Override
  public String toString() {
    return Masking.maskUrl(
        PREFIX + dialect.urlPrefix() + hosts.toString().replace(" ", "") + "/" + rawDatabase);
  }
}
