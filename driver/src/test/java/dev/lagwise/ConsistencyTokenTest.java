package dev.lagwise;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConsistencyTokenTest {

  @ParameterizedTest
  @CsvSource({
    "pg:0/16B3748, 23803720",
    "pg:1/0, 4294967296",
    "pg:0/0, 0",
    "pg:A/FFFFFFFF, 47244640255",
    "mariadb:0-1-1234, 1234",
    "mariadb:0-77-0, 0",
  })
  void parsesTheFormatsToString(String text, long position) {
    assertThat(ConsistencyToken.parse(text).position()).isEqualTo(position);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "pg:",
        "pg:0",
        "pg:/1",
        "pg:0/",
        "pg:-1/0",
        "pg:0/ 1",
        "pg:123456789/0",
        "pg:0/123456789",
        "pg:80000000/0",
        "pg:0x1/0",
        "PG:0/1",
        "mariadb:1-1-1",
        "mariadb:0-1-",
        "mariadb:0-1-x",
        "mariadb:0--1",
        "mysql:abc:1-2",
        "pg:0/1\n",
      })
  void rejectsGarbageWithAClearMessage(String text) {
    assertThatThrownBy(() -> ConsistencyToken.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("consistency token");
  }

  @Test
  void rejectsNullAndOverlongInputBeforeLookingAtIt() {
    assertThatThrownBy(() -> ConsistencyToken.parse(null)).hasMessageContaining("null");
    assertThatThrownBy(() -> ConsistencyToken.parse("pg:0/1" + "0".repeat(10_000)))
        .hasMessageContaining("too long")
        .hasMessageNotContaining("0000000000");
  }

  @Property
  void postgresTokensRoundTripAndOrder(
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE >>> 1) long a,
      @ForAll @LongRange(min = 0, max = Long.MAX_VALUE >>> 1) long b) {
    ConsistencyToken ta = ConsistencyToken.postgres(a);
    ConsistencyToken tb = ConsistencyToken.postgres(b);
    assertThat(ConsistencyToken.parse(ta.toString())).isEqualTo(ta);
    assertThat(Integer.signum(ta.compareTo(tb))).isEqualTo(Long.signum(a - b));
    assertThat(ta.max(tb).position()).isEqualTo(Math.max(a, b));
  }

  @Property
  void mariadbTokensRoundTrip(@ForAll @LongRange(min = 0, max = 999_999_999_999L) long seq) {
    ConsistencyToken t = ConsistencyToken.mariadb(seq);
    assertThat(ConsistencyToken.parse(t.toString())).isEqualTo(t);
  }

  @Property
  void parseNeverThrowsAnythingElse(@ForAll("tokenish") String text) {
    try {
      ConsistencyToken t = ConsistencyToken.parse(text);
      assertThat(ConsistencyToken.parse(t.toString())).isEqualTo(t);
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).contains("consistency token");
    }
  }

  @Provide
  Arbitrary<String> tokenish() {
    return Arbitraries.strings().withChars("pgmariadb:0123456789ABCDEFabcdef/-x ").ofMaxLength(30);
  }

  @Test
  void tokensOfDifferentDatabasesDoNotCompare() {
    assertThatThrownBy(() -> ConsistencyToken.postgres(1).compareTo(ConsistencyToken.mariadb(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
