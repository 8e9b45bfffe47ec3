package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import org.springframework.web.reactive.function.client.ClientRequest;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import org.springframework.web.reactive.function.client.ExchangeFunction;
import reactor.core.publisher.Mono;

/**
 * Adds the token to outgoing {@code WebClient} calls: the subscribing thread's {@code
 * ConsistencyContext} (a servlet request that calls {@code block()}), else the token {@link
 * ConsistencyWebFilter} put in the Reactor context.
 */
public final class ConsistencyExchangeFilter implements ExchangeFilterFunction {

  private final String header;

  public ConsistencyExchangeFilter(String header) {
    this.header = header;
  }

  @Override
  public Mono<ClientResponse> filter(ClientRequest request, ExchangeFunction next) {
    ConsistencyContext c = ConsistencyContext.current();
    ConsistencyToken token = c == null ? null : c.token();
    if (token != null) {
      return next.exchange(withToken(request, token));
    }
    return Mono.deferContextual(
        ctx -> {
          ConsistencyToken carried = ctx.getOrDefault(ConsistencyWebFilter.TOKEN_KEY, null);
          return next.exchange(carried == null ? request : withToken(request, carried));
        });
  }

  private ClientRequest withToken(ClientRequest request, ConsistencyToken token) {
    if (request.headers().getFirst(header) != null) {
      return request;
    }
    return ClientRequest.from(request).header(header, token.toString()).build();
  }
}
