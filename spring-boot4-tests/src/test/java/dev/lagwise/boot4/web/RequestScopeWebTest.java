package dev.lagwise.boot4.web;

import static org.assertj.core.api.Assertions.assertThat;

import dev.lagwise.ConsistencyToken;
import dev.lagwise.boot4.web.app.WebApp;
import dev.lagwise.spring.web.LagwiseWebMetrics;
import dev.lagwise.spring.web.TokenSigner;
import dev.lagwise.testkit.Cluster;
import dev.lagwise.testkit.Node;
import dev.lagwise.testkit.ReplicatedCluster;
import java.io.IOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * POST → 302 → GET through a real embedded Tomcat on a testkit PostgreSQL cluster whose replica 0
 * has stopped replaying and replica 1 applies every transaction 200 ms late, with {@code
 * lagwise.consistency=session}: without the starter's filter the GET on another pooled connection
 * reads stale; with it, the GET sees the row every time — on one instance, and on a second instance
 * that shares nothing with the first but the signing key and the browser's cookie.
 */
@ReplicatedCluster(replicas = 2)
class RequestScopeWebTest {

  static final int TRIES = Integer.getInteger("lagwise.webTries", 50);
  static final String KEY = Base64.getEncoder().encodeToString(new byte[32]).replace('A', 'k');

  static Cluster cluster;
  static ConfigurableApplicationContext a;
  static ConfigurableApplicationContext b;
  Node paused;
  Node delayed;

  @BeforeAll
  static void start(Cluster c) throws SQLException {
    cluster = c;
    try (Connection direct = cluster.primary().connect();
        Statement s = direct.createStatement()) {
      s.execute(
          "CREATE TABLE IF NOT EXISTS " + WebApp.TABLE + " (id bigserial PRIMARY KEY, v bigint)");
    }
    cluster.awaitReplicasCaughtUp(Duration.ofSeconds(30));
    a = app();
    b = app();
  }

  @AfterAll
  static void stop() {
    for (ConfigurableApplicationContext c : new ConfigurableApplicationContext[] {a, b}) {
      if (c != null) {
        c.close();
      }
    }
  }

  @BeforeEach
  void lag() {
    paused = cluster.replicas().get(0);
    delayed = cluster.replicas().get(1);
    paused.pauseReplay();
    delayed.setApplyDelay(Duration.ofMillis(200));
  }

  @AfterEach
  void noLag() {
    paused.resumeReplay();
    delayed.setApplyDelay(Duration.ZERO);
  }

  static ConfigurableApplicationContext app(String... extra) {
    List<String> p = new ArrayList<>();
    p.add("server.port=0");
    // Not the notes application's application.properties: this test configures everything.
    p.add("spring.config.name=lagwise-request-scope-test");
    p.add(
        "spring.datasource.url="
            + cluster.lagwiseUrl()
            + "?lagwise.pollInterval=100ms&lagwise.consistency=session");
    p.add("spring.datasource.username=" + cluster.user());
    p.add("spring.datasource.password=" + cluster.password());
    p.add("spring.datasource.driver-class-name=dev.lagwise.Driver");
    p.add("spring.datasource.hikari.maximum-pool-size=4");
    p.add("spring.main.banner-mode=off");
    p.add("lagwise.web.signing-key=" + KEY);
    p.addAll(List.of(extra));
    return new SpringApplicationBuilder(WebApp.class)
        .web(WebApplicationType.SERVLET)
        .properties(p.toArray(String[]::new))
        .run();
  }

  static String base(ConfigurableApplicationContext app) {
    return "http://localhost:" + app.getEnvironment().getProperty("local.server.port");
  }

  static HttpClient browser(HttpClient.Redirect redirect) {
    return HttpClient.newBuilder()
        .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
        .followRedirects(redirect)
        .build();
  }

  static HttpRequest post(String url, long v) {
    return HttpRequest.newBuilder(URI.create(url))
        .header("Content-Type", "application/x-www-form-urlencoded")
        .POST(HttpRequest.BodyPublishers.ofString("v=" + v))
        .build();
  }

  /**
   * POSTs on {@code to}, follows the redirect by hand on {@code then}; true when the row showed.
   */
  static boolean postRedirectGet(HttpClient browser, String to, String path, String then, long v)
      throws IOException, InterruptedException {
    HttpResponse<String> created = browser.send(post(to + path, v), ofString());
    assertThat(created.statusCode()).isEqualTo(302);
    String location = created.headers().firstValue("Location").orElseThrow();
    URI target = URI.create(then).resolve(URI.create(location).getPath());
    HttpResponse<String> read = browser.send(HttpRequest.newBuilder(target).build(), ofString());
    assertThat(read.statusCode()).isIn(200, 404);
    if (read.statusCode() == 200) {
      assertThat(read.body()).isEqualTo("v=" + v);
    }
    return read.statusCode() == 200;
  }

  /**
   * Other users reading while the test's user works, so the pool hands the GET another connection
   * than the POST's (alone, HikariCP would give the same one back and session scope would cover
   * it).
   */
  static final class OtherUsers implements AutoCloseable {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Thread> threads = new ArrayList<>();

    OtherUsers(ConfigurableApplicationContext app, int users) {
      HttpClient client = HttpClient.newHttpClient();
      URI uri = URI.create(base(app) + "/items/1");
      for (int i = 0; i < users; i++) {
        Thread t =
            new Thread(
                () -> {
                  while (running.get()) {
                    try {
                      client.send(HttpRequest.newBuilder(uri).build(), ofString());
                    } catch (IOException e) {
                      // The next one will do.
                    } catch (InterruptedException e) {
                      return;
                    }
                  }
                },
                "other-user-" + i);
        t.setDaemon(true);
        t.start();
        threads.add(t);
      }
    }

    @Override
    public void close() throws InterruptedException {
      running.set(false);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  static HttpResponse.BodyHandler<String> ofString() {
    return HttpResponse.BodyHandlers.ofString();
  }

  @Test
  void postRedirectGetSeesTheNewRowEveryTime() throws Exception {
    HttpClient browser = browser(HttpClient.Redirect.NORMAL);
    int seen = 0;
    try (OtherUsers others = new OtherUsers(a, 6)) {
      for (int i = 0; i < TRIES; i++) {
        // The client follows the 302 itself, sending only the cookie (no custom header).
        HttpResponse<String> read = browser.send(post(base(a) + "/items", i), ofString());
        assertThat(read.uri().getPath()).startsWith("/items/");
        if (read.statusCode() == 200 && read.body().equals("v=" + i)) {
          seen++;
        }
        assertThat(read.headers().firstValue("Lagwise-Consistency")).isPresent();
      }
    }
    assertThat(seen).isEqualTo(TRIES);
  }

  @Test
  void theCookieAloneCarriesTheWriteToAnotherInstance() throws Exception {
    HttpClient browser = browser(HttpClient.Redirect.NEVER);
    int seen = 0;
    for (int i = 0; i < TRIES; i++) {
      seen += postRedirectGet(browser, base(a), "/items", base(b), i) ? 1 : 0;
    }
    assertThat(seen).isEqualTo(TRIES);
  }

  @Test
  void theRedirectCarriesTheSignedCookieAndTheHeader() throws Exception {
    HttpClient browser = browser(HttpClient.Redirect.NEVER);
    HttpResponse<String> created = browser.send(post(base(a) + "/items", 7), ofString());
    assertThat(created.statusCode()).isEqualTo(302);
    String token = created.headers().firstValue("Lagwise-Consistency").orElseThrow();
    assertThat(ConsistencyToken.parse(token).engine()).isEqualTo("pg");
    String cookie =
        created.headers().allValues("Set-Cookie").stream()
            .filter(h -> h.startsWith("lagwise-consistency="))
            .findFirst()
            .orElseThrow();
    assertThat(cookie).contains("HttpOnly", "SameSite=Lax", "Max-Age=300", "Path=/");
    assertThat(cookie).doesNotContain("Secure");
    String value = cookie.substring("lagwise-consistency=".length(), cookie.indexOf(';'));
    assertThat(value).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    // A read-only request that carried the newest token does not set the cookie again.
    HttpResponse<String> read =
        browser.send(
            HttpRequest.newBuilder(URI.create(base(a) + "/items/1"))
                .header("Lagwise-Consistency", token)
                .build(),
            ofString());
    assertThat(read.headers().firstValue("Lagwise-Consistency")).isPresent();
  }

  @Test
  void anAsyncWriteJoinedBeforeTheRedirectIsInTheCookie() throws Exception {
    HttpClient browser = browser(HttpClient.Redirect.NEVER);
    int seen = 0;
    for (int i = 0; i < TRIES; i++) {
      seen += postRedirectGet(browser, base(a), "/async-items", base(b), i) ? 1 : 0;
    }
    assertThat(seen).isEqualTo(TRIES);
  }

  @Test
  void aRestClientCallCarriesTheTokenToAnotherService() throws Exception {
    HttpClient client = HttpClient.newHttpClient(); // no cookies at all
    String portB = b.getEnvironment().getProperty("local.server.port");
    int seen = 0;
    for (int i = 0; i < TRIES; i++) {
      HttpResponse<String> r = client.send(post(base(a) + "/items-via/" + portB, i), ofString());
      seen += r.body().equals("v=" + i) ? 1 : 0;
    }
    assertThat(seen).isEqualTo(TRIES);
  }

  @Test
  void withoutTheFilterSessionScopeReadsStale() throws Exception {
    try (ConfigurableApplicationContext plain = app("lagwise.web.enabled=false");
        OtherUsers others = new OtherUsers(plain, 6)) {
      HttpClient browser = browser(HttpClient.Redirect.NEVER);
      int stale = 0;
      for (int i = 0; i < TRIES; i++) {
        stale += postRedirectGet(browser, base(plain), "/items", base(plain), i) ? 0 : 1;
        // Lets the delayed replica replay the earlier POSTs: a pooled connection that made one of
        // them then no longer sends its session's reads to the primary, and the GET shows whether
        // it covers the newest write (it does not: that was another connection's).
        Thread.sleep(300);
      }
      System.out.printf(
          java.util.Locale.ROOT, "without the filter: %d stale reads out of %d%n", stale, TRIES);
      assertThat(stale).as("stale reads out of %d", TRIES).isGreaterThan(0);
    }
  }

  @Test
  void forgedCookiesAreRejectedAndCounted() throws Exception {
    LagwiseWebMetrics metrics = a.getBean(LagwiseWebMetrics.class);
    long before = metrics.rejectedTokens();
    String farFuture = "pg:7FFFFFFF/FFFFFFFF";
    String unsigned =
        Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(farFuture.getBytes(java.nio.charset.StandardCharsets.US_ASCII))
            + ".AAAA";
    byte[] otherKey = new byte[32];
    otherKey[0] = 1;
    String otherSigned = new TokenSigner(otherKey).sign(ConsistencyToken.parse(farFuture));
    String goodSigned =
        new TokenSigner(Base64.getDecoder().decode(KEY)).sign(ConsistencyToken.parse(farFuture));
    HttpClient client = HttpClient.newHttpClient();
    for (String cookie : new String[] {unsigned, otherSigned, "garbage", goodSigned}) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(URI.create(base(a) + "/items/1"))
                  .header("Cookie", "lagwise-consistency=" + cookie)
                  .build(),
              ofString());
      assertThat(r.statusCode()).as(cookie).isIn(200, 404);
    }
    assertThat(metrics.rejectedTokens() - before)
        .as("three forged, the validly signed far-future one is clamped by the driver instead")
        .isEqualTo(3);
  }
}
