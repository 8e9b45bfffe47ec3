package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import org.springframework.http.ResponseCookie;

/**
 * Writes the request's token into the response at the last moment headers can still change: the
 * first of a redirect, an error, a flush, the body's stream or writer being taken, or the end of
 * the request. Headers set after a response is committed are silently dropped, and a redirect
 * commits it, so the end of the filter chain is too late for exactly the POST that needs the
 * cookie.
 */
final class TokenResponse extends HttpServletResponseWrapper {

  /** Longest signed cookie value sent: browsers keep cookies of up to 4,096 bytes in all. */
  static final int MAX_COOKIE_VALUE = 3_900;

  private static final org.apache.commons.logging.Log LOG =
      org.apache.commons.logging.LogFactory.getLog(TokenResponse.class);

  private static volatile boolean oversizeLogged;

  private final HttpServletRequest request;
  private final ConsistencyContext context;
  private final ConsistencyToken carried;
  private final TokenCodec codec;
  private final String header;
  private final String cookieName;
  private final Duration cookieMaxAge;
  private boolean written;

  TokenResponse(
      HttpServletRequest request,
      HttpServletResponse response,
      ConsistencyContext context,
      ConsistencyToken carried,
      TokenCodec codec,
      LagwiseWebProperties properties) {
    super(response);
    this.request = request;
    this.context = context;
    this.carried = carried;
    this.codec = codec;
    this.header = properties.getHeader();
    this.cookieName = properties.getCookieName();
    this.cookieMaxAge = properties.getCookieMaxAge();
  }

  /**
   * Header on every response that has a token; the cookie only when the request moved past what it
   * carried in (it wrote, or read newer data), so read-only requests do not re-set it.
   */
  void writeToken() {
    if (written) {
      return;
    }
    written = true;
    if (isCommitted()) {
      return;
    }
    ConsistencyToken token = context.token();
    if (token == null) {
      return;
    }
    setHeader(header, token.toString());
    if (carried == null || !carried.covers(token)) {
      String value = codec.cookieValue(token);
      if (value.length() > MAX_COOKIE_VALUE) {
        // Browsers drop a cookie over 4 KB without a word: say so once, keep the header.
        if (!oversizeLogged) {
          oversizeLogged = true;
          LOG.warn(
              "consistency token too long for a cookie ("
                  + value.length()
                  + " characters signed): only the "
                  + header
                  + " header carries it; a browser redirect will not (a MySQL GTID set with"
                  + " very many server UUIDs)");
        }
        return;
      }
      ResponseCookie cookie =
          ResponseCookie.from(cookieName, value)
              .httpOnly(true)
              .secure(request.isSecure())
              .sameSite("Lax")
              .path("/")
              .maxAge(cookieMaxAge)
              .build();
      addHeader("Set-Cookie", cookie.toString());
    }
  }

  // ---- the calls that commit the response, or may ----

  @Override
  public void sendRedirect(String location) throws IOException {
    writeToken();
    super.sendRedirect(location);
  }

  @Override
  public void sendError(int sc) throws IOException {
    writeToken();
    super.sendError(sc);
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    writeToken();
    super.sendError(sc, msg);
  }

  @Override
  public void flushBuffer() throws IOException {
    writeToken();
    super.flushBuffer();
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    writeToken();
    return super.getOutputStream();
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    writeToken();
    return super.getWriter();
  }
}
