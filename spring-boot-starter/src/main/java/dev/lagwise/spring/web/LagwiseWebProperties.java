package dev.lagwise.spring.web;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Request-scoped read-your-writes for web applications ({@code lagwise.web.*}). */
@ConfigurationProperties("lagwise.web")
public class LagwiseWebProperties {

  /** Bind a request scope to every HTTP request and carry its token in a header and a cookie. */
  private boolean enabled = true;

  static final String DEFAULT_HEADER = "Lagwise-Consistency";

  /** Request and response header that carries the consistency token (unsigned, for services). */
  private String header = DEFAULT_HEADER;

  /** Cookie that carries the signed consistency token across redirects (browsers). */
  private String cookieName = "lagwise-consistency";

  /** How long a browser keeps the cookie; a token only needs to outlive replica lag. */
  private Duration cookieMaxAge = Duration.ofSeconds(300);

  /**
   * HMAC-SHA256 key for the cookie's signature, base64 (at least 32 bytes). When unset, a random
   * key is generated at startup: then cookies are only accepted by the instance that set them, so
   * several instances behind one load balancer must share a configured key.
   */
  private String signingKey;

  /**
   * The token engine the application's Lagwise data source uses ({@code pg} or {@code mariadb});
   * tokens of another engine are ignored. Derived from {@code spring.datasource.url} when unset.
   */
  private String engine;

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public String getHeader() {
    return header;
  }

  public void setHeader(String header) {
    this.header = header;
  }

  public String getCookieName() {
    return cookieName;
  }

  public void setCookieName(String cookieName) {
    this.cookieName = cookieName;
  }

  public Duration getCookieMaxAge() {
    return cookieMaxAge;
  }

  public void setCookieMaxAge(Duration cookieMaxAge) {
    this.cookieMaxAge = cookieMaxAge;
  }

  public String getSigningKey() {
    return signingKey;
  }

  public void setSigningKey(String signingKey) {
    this.signingKey = signingKey;
  }

  public String getEngine() {
    return engine;
  }

  public void setEngine(String engine) {
    this.engine = engine;
  }
}
