package dev.lagwise.spring.web;

import dev.lagwise.ConsistencyContext;
import dev.lagwise.ConsistencyToken;
import java.io.IOException;
import org.springframework.http.HttpRequest;
import org.springframework.http.client.ClientHttpRequestExecution;
import org.springframework.http.client.ClientHttpRequestInterceptor;
import org.springframework.http.client.ClientHttpResponse;

/**
 * Adds the current unit of work's token to outgoing {@code RestClient}/{@code RestTemplate} calls,
 * so the service called reads what this request wrote (when it runs the starter too).
 */
public final class ConsistencyHeaderInterceptor implements ClientHttpRequestInterceptor {

  private final String header;

  public ConsistencyHeaderInterceptor(String header) {
    this.header = header;
  }

  @Override
  public ClientHttpResponse intercept(
      HttpRequest request, byte[] body, ClientHttpRequestExecution execution) throws IOException {
    ConsistencyContext c = ConsistencyContext.current();
    ConsistencyToken token = c == null ? null : c.token();
    if (token != null && request.getHeaders().getFirst(header) == null) {
      request.getHeaders().set(header, token.toString());
    }
    return execution.execute(request, body);
  }
}
