package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyToken;
import org.springframework.core.Ordered;
import org.springframework.http.HttpCookie;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * WebFlux: judges the token a request carried (header, signed cookie) and puts it in the Reactor
 * context under {@link #TOKEN_KEY}, where {@link ConsistencyExchangeFilter} passes it on to other
 * services; the response echoes it in the header. No {@code ConsistencyContext} is bound: a
 * reactive pipeline has no thread to bind it to, and blocking JDBC belongs on a worker thread,
 * where {@code ConsistencyContext.openRequest(token)} around the blocking call does it (see
 * docs/spring-boot.md). So no cookie is set here: nothing observes the request's writes.
 */
final class ConsistencyWebFilter implements WebFilter, Ordered {

  /** Reactor context key of the carried {@link ConsistencyToken}. */
  static final String TOKEN_KEY = "dev.lagwise.consistency.token";

  private final TokenCodec codec;
  private final LagwiseWebProperties properties;

  ConsistencyWebFilter(TokenCodec codec, LagwiseWebProperties properties) {
    this.codec = codec;
    this.properties = properties;
  }

  @Override
  public int getOrder() {
    return ConsistencyFilter.ORDER;
  }

  @Override
  public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
    ServerHttpRequest request = exchange.getRequest();
    HttpCookie cookie = request.getCookies().getFirst(properties.getCookieName());
    ConsistencyToken carried =
        codec.carried(
            request.getHeaders().getFirst(properties.getHeader()),
            cookie == null ? null : cookie.getValue());
    if (carried == null) {
      return chain.filter(exchange);
    }
    exchange.getResponse().getHeaders().set(properties.getHeader(), carried.toString());
    return chain.filter(exchange).contextWrite(Context.of(TOKEN_KEY, carried));
  }
}
