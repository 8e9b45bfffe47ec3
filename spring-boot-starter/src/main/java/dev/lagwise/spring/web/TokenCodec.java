package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyToken;

/**
 * What a request carried in, judged: the later of the header's token (unsigned: services and API
 * clients) and the cookie's (signed: browsers), each ignored and counted when it is not a token of
 * this application's engine or, for the cookie, not validly signed. Shared by the servlet filter
 * and the WebFlux filter.
 */
final class TokenCodec {

  private final TokenSigner signer;
  private final String engine;
  private final LagwiseWebMetrics metrics;

  /**
   * @param engine the accepted token engine; null accepts any, and then a token of the wrong engine
   *     makes the request's statements fail (the driver refuses to compare engines)
   */
  TokenCodec(TokenSigner signer, String engine, LagwiseWebMetrics metrics) {
    this.signer = signer;
    this.engine = engine;
    this.metrics = metrics;
  }

  /** The later of the two; null when neither is present and valid. */
  ConsistencyToken carried(String header, String cookie) {
    ConsistencyToken fromHeader = header == null || header.isEmpty() ? null : judge(parse(header));
    ConsistencyToken fromCookie =
        cookie == null || cookie.isEmpty() ? null : judge(signer.verify(cookie));
    if (fromHeader == null) {
      return fromCookie;
    }
    if (fromCookie == null) {
      return fromHeader;
    }
    if (!fromHeader.engine().equals(fromCookie.engine())) {
      // Only possible with no engine configured: the signed one wins.
      metrics.rejected();
      return fromCookie;
    }
    return fromHeader.max(fromCookie);
  }

  String cookieValue(ConsistencyToken token) {
    return signer.sign(token);
  }

  private static ConsistencyToken parse(String text) {
    try {
      return ConsistencyToken.parse(text.strip());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * {@code gtid}: a MySQL or MariaDB cluster, whose flavour (and so token engine) the server
   * decides, not the URL: both GTID engines are let through and the driver refuses the wrong one.
   */
  private boolean accepts(String tokenEngine) {
    return engine == null
        || engine.equals(tokenEngine)
        || engine.equals("gtid") && (tokenEngine.equals("mariadb") || tokenEngine.equals("mysql"));
  }

  private ConsistencyToken judge(ConsistencyToken token) {
    if (token == null || !accepts(token.engine())) {
      metrics.rejected();
      return null;
    }
    metrics.accepted();
    return token;
  }
}
