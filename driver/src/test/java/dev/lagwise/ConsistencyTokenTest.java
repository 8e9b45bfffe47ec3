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
  })
  void parsesTheFormatsToString(String text, long position) {
    assertThat(ConsistencyToken.parse(text).position()).isEqualTo(position);
    assertThat(ConsistencyToken.parse(text).toString()).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "mariadb:0-1-1234 | mariadb:0-1-1234",
        "mariadb:0-77-0 | mariadb:0-77-0",
        "mariadb:1-2-99,0-1-1234 | mariadb:0-1-1234,1-2-99",
        "mysql:3E11FA47-71CA-11E1-9E33-C80AA9429562:1-42:43-50"
            + " | mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-50",
        "mysql:3e11fa47-71ca-11e1-9e33-c80aa9429563:7,3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3"
            + " | mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-3,"
            + "3e11fa47-71ca-11e1-9e33-c80aa9429563:7",
      })
  void gtidTokensParseToTheirNormalForm(String text, String normal) {
    ConsistencyToken t = ConsistencyToken.parse(text);
    assertThat(t.toString()).isEqualTo(normal);
    assertThat(t.position()).isEqualTo(-1);
    assertThat(ConsistencyToken.parse(normal)).isEqualTo(t);
  }

  @Test
  void gtidTokensArePartiallyOrderedAndMaxIsTheUnion() {
    ConsistencyToken a = ConsistencyToken.parse("mariadb:0-1-10,1-1-5");
    ConsistencyToken b = ConsistencyToken.parse("mariadb:0-1-8,1-1-7");
    assertThat(a.covers(b)).isFalse();
    assertThat(b.covers(a)).isFalse();
    ConsistencyToken m = a.max(b);
    assertThat(m.toString()).isEqualTo("mariadb:0-1-10,1-1-7");
    assertThat(m.covers(a)).isTrue();
    assertThat(m.covers(b)).isTrue();
    assertThat(a.max(null)).isSameAs(a);
    ConsistencyToken u = ConsistencyToken.parse("mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5");
    ConsistencyToken v = ConsistencyToken.parse("mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:7");
    assertThat(u.max(v).toString()).isEqualTo("mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5:7");
    assertThat(u.max(v).covers(v)).isTrue();
  }

  @Test
  void longGtidSetsAreRefusedWithTheLimitNamedNeverCut() {
    StringBuilder b = new StringBuilder("mysql:");
    for (int i = 0; b.length() <= ConsistencyToken.MAX_LENGTH; i++) {
      b.append(i > 0 ? "," : "")
          .append(String.format(java.util.Locale.ROOT, "3e11fa47-71ca-11e1-9e33-%012x:1-100", i));
    }
    assertThatThrownBy(() -> ConsistencyToken.parse(b.toString()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("too long")
        .hasMessageContaining(String.valueOf(ConsistencyToken.MAX_LENGTH));
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
        "mariadb:",
        "mariadb:0-1-",
        "mariadb:0-1-1, 1-1-1",
        "mariadb:0-1-99999999999999999999",
        "mariadb:0-1-x",
        "mariadb:0--1",
        "mysql:abc:1-2",
        "mysql:",
        "mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:0-3",
        "mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:5-3",
        "mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562",
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
    assertThat(ta.covers(tb)).isEqualTo(a >= b);
    assertThat(ta.max(tb).position()).isEqualTo(Math.max(a, b));
  }

  @Property
  void mariadbTokensRoundTrip(
      @ForAll @LongRange(min = 0, max = 999_999_999_999L) long seq,
      @ForAll @LongRange(min = 0, max = 4_294_967_295L) long domain) {
    ConsistencyToken t = ConsistencyToken.parse("mariadb:" + domain + "-1-" + seq + ",7-2-1");
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
    return Arbitraries.strings()
        .withChars("pgmariadbysql:0123456789ABCDEFabcdef/-x ,")
        .ofMaxLength(50);
  }

  @Test
  void tokensOfDifferentDatabasesDoNotCompare() {
    assertThatThrownBy(
            () -> ConsistencyToken.postgres(1).covers(ConsistencyToken.parse("mariadb:0-1-1")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                ConsistencyToken.parse("mysql:3e11fa47-71ca-11e1-9e33-c80aa9429562:1")
                    .max(ConsistencyToken.parse("mariadb:0-1-1")))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
