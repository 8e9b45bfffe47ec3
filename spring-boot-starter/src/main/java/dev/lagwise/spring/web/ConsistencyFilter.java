package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Binds a request scope ({@link ConsistencyContext#openRequest}) to each servlet request, seeded
 * from the token it carried (header and signed cookie, the later one), and writes the request's
 * token back before the response is committed ({@link TokenResponse}). Ordered before Spring
 * Security and every other filter that may run SQL.
 *
 * <p>Async servlet requests ({@code Callable}, {@code DeferredResult}) are covered for their first
 * dispatch only: the context is closed when the request thread leaves the filter.
 */
final class ConsistencyFilter extends OncePerRequestFilter implements Ordered {

  /** Before Spring Security (-100) and the request-context filter (-105). */
  static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 100;

  private final TokenCodec codec;
  private final LagwiseWebProperties properties;

  ConsistencyFilter(TokenCodec codec, LagwiseWebProperties properties) {
    this.codec = codec;
    this.properties = properties;
  }

  @Override
  public int getOrder() {
    return ORDER;
  }

  @Override
  protected void doFilterInternal(
      HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws ServletException, IOException {
    ConsistencyToken carried =
        codec.carried(request.getHeader(properties.getHeader()), cookie(request));
    try (ConsistencyContext context = ConsistencyContext.openRequest(carried)) {
      TokenResponse wrapped =
          new TokenResponse(request, response, context, carried, codec, properties);
      chain.doFilter(request, wrapped);
      wrapped.writeToken();
    }
  }

  private String cookie(HttpServletRequest request) {
    Cookie[] cookies = request.getCookies();
    if (cookies != null) {
      for (Cookie c : cookies) {
        if (properties.getCookieName().equals(c.getName())) {
          return c.getValue();
        }
      }
    }
    return null;
  }
}
