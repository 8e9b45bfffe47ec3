package dev.lagwise.spring.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.ConsistencyToken;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** What a request carried, judged: header and signed cookie, as a table. */
class TokenCodecTest {

  static final byte[] KEY = new byte[32];
  static final TokenSigner SIGNER = new TokenSigner(KEY);

  static String signed(String token) {
    return SIGNER.sign(ConsistencyToken.parse(token));
  }

  @ParameterizedTest(name = "header {0}, cookie {1} -> {2}, {3} rejected")
  @CsvSource(
      nullValues = "-",
      value = {
        // header, cookie (signed:<token> | forged:<token> | raw text), carried, rejected
        "-,           -,                  -,           0",
        "pg:0/10,     -,                  pg:0/10,     0",
        "-,           signed:pg:0/20,     pg:0/20,     0",
        "pg:0/10,     signed:pg:0/20,     pg:0/20,     0",
        "pg:0/30,     signed:pg:0/20,     pg:0/30,     0",
        "-,           forged:pg:0/20,     -,           1",
        "pg:0/10,     forged:pg:7FFFFFFF/0, pg:0/10,   1",
        "-,           pg:0/20,            -,           1",
        "-,           cGc6MC8yMA.AAAA,    -,           1",
        "nonsense,    -,                  -,           1",
        "mariadb:0-1-5, -,                -,           1",
        "-,           signed:mariadb:0-1-5, -,         1",
        "' pg:0/10 ', -,                  pg:0/10,     0",
      })
  void carried(String header, String cookie, String expected, long rejected) {
    LagwiseWebMetrics metrics = new LagwiseWebMetrics();
    TokenCodec codec = new TokenCodec(SIGNER, "pg", metrics);
    ConsistencyToken carried = codec.carried(header, cookieValue(cookie));
    assertThat(carried == null ? null : carried.toString())
        .isEqualTo(expected == null ? null : ConsistencyToken.parse(expected).toString());
    assertThat(metrics.rejectedTokens()).isEqualTo(rejected);
  }

  private static String cookieValue(String spec) {
    if (spec == null) {
      return null;
    }
    if (spec.startsWith("signed:")) {
      return signed(spec.substring("signed:".length()));
    }
    if (spec.startsWith("forged:")) {
      byte[] other = new byte[32];
      other[31] = 7;
      return new TokenSigner(other).sign(ConsistencyToken.parse(spec.substring(7)));
    }
    return spec;
  }

  @Test
  void theSignedValueIsAValidCookieValueAndRoundTrips() {
    String value = signed("pg:16/B374D848");
    assertThat(value).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+");
    assertThat(SIGNER.verify(value)).isEqualTo(ConsistencyToken.parse("pg:16/B374D848"));
    String tampered = value.substring(0, value.length() - 1) + (value.endsWith("A") ? "B" : "A");
    assertThat(SIGNER.verify(tampered)).isNull();
    assertThat(SIGNER.verify("x".repeat(10_000))).isNull();
  }

  @Test
  void aShortOrMalformedKeyIsRefusedWithoutQuotingIt() {
    assertThatThrownBy(() -> new TokenSigner(new byte[16])).hasMessageContaining("32 bytes");
    LagwiseWebProperties p = new LagwiseWebProperties();
    p.setSigningKey("not base64 secret!");
    assertThatThrownBy(() -> LagwiseWebAutoConfiguration.signingKey(p))
        .hasMessageContaining("lagwise.web.signing-key")
        .hasMessageNotContaining("secret");
    p.setSigningKey(Base64.getEncoder().encodeToString(KEY));
    assertThat(LagwiseWebAutoConfiguration.signingKey(p)).isEqualTo(KEY);
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "'jdbc:lagwise:postgresql://a,b/db', pg",
        "'jdbc:lagwise:mariadb://a,b/db',    gtid",
        "'jdbc:lagwise:mysql://a,b/db',      gtid",
        "jdbc:postgresql://a/db,           -",
        "-,                                -",
      })
  void theEngineComesFromTheDataSourceUrl(String url, String engine) {
    assertThat(LagwiseWebAutoConfiguration.engineOf(url)).isEqualTo(engine);
  }
}
