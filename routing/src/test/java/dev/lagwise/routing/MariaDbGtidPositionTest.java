package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link MariaDbGtidPosition}: parsing, normal form, covers and join as tables. */
class MariaDbGtidPositionTest {

  private static MariaDbGtidPosition p(String text) {
    return MariaDbGtidPosition.parse(text);
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // input | canonical text
        "\"\"                       | \"\"",
        "\"   \"                    | \"\"",
        "0-1-5,1-1-3                | 0-1-5,1-1-3",
        "0-1-1234,1-2-99            | 0-1-1234,1-2-99",
        "1-2-99,0-1-1234            | 0-1-1234,1-2-99",
        "\"0-1-5, 1-1-3\"           | 0-1-5,1-1-3",
        "\" 0-1-5 ,\t1-1-3 \"       | 0-1-5,1-1-3",
        "0-1-0                      | 0-1-0",
        "007-01-0010                | 7-1-10",
        "0-1-5,0-2-7                | 0-2-7",
        "0-2-7,0-1-5                | 0-2-7",
        "0-1-7,0-2-7                | 0-1-7",
        "0-2-7,0-1-7                | 0-2-7",
        "3-1-1,1-1-1,2-1-1,1-9-0    | 1-1-1,2-1-1,3-1-1",
        "4294967295-4294967295-9223372036854775807 | 4294967295-4294967295-9223372036854775807",
      })
  void parsesToNormalForm(String input, String canonical) {
    MariaDbGtidPosition pos = p(input);
    assertThat(pos.toString()).isEqualTo(canonical);
    assertThat(pos.textLength()).isEqualTo(canonical.length());
    assertThat(p(canonical)).isEqualTo(pos).hasSameHashCodeAs(pos);
    assertThat(pos.isEmpty()).isEqualTo(canonical.isEmpty());
  }

  @Test
  void serverOutputWithNewlines() {
    assertThat(p("0-1-5,\n1-1-3\n").toString()).isEqualTo("0-1-5,1-1-3");
    assertThat(p("\r\n0-1-5").toString()).isEqualTo("0-1-5");
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // input | the message contains
        "0                      | entry 1 \"0\": expected domain-server-sequence",
        "0-1                    | entry 1 \"0-1\": expected domain-server-sequence",
        "0-1-                   | entry 1 \"0-1-\": sequence number is not a decimal number",
        "-1-5                   | entry 1 \"-1-5\": domain id is not a decimal number",
        "0--5                   | entry 1 \"0--5\": server id is not a decimal number",
        "0-1-5-6                | entry 1 \"0-1-5-6\": sequence number is not a decimal number",
        "0-1-x                  | entry 1 \"0-1-x\": sequence number is not a decimal number",
        "0-1-+5                 | entry 1 \"0-1-+5\": sequence number is not a decimal number",
        "0 -1-5                 | entry 1 \"0 -1-5\": domain id is not a decimal number",
        "0-1-5,1-1-3,x          | entry 3 \"x\": expected domain-server-sequence",
        "0-1-5,                 | entry 2 is empty",
        "\"0-1-5, ,1-1-1\"      | entry 2 is empty",
        "0-1-5,,1-1-1           | entry 2 is empty",
        ",0-1-5                 | entry 1 \"\": expected domain-server-sequence",
        "4294967296-1-5         | domain id is above 4294967295",
        "0-4294967296-5         | server id is above 4294967295",
        "0-1-9223372036854775808 | sequence number is above 9223372036854775807",
        "0-1-18446744073709551615 | sequence number is above 9223372036854775807",
        "0-1-٣                  | sequence number is not a decimal number",
        "mariadb:0-1-5          | entry 1 \"mariadb:0-1-5\": domain id is not a decimal number",
      })
  void refusesWithTheOffendingPart(String input, String message) {
    assertThatThrownBy(() -> p(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("MariaDB GTID position: ")
        .hasMessageContaining(message);
  }

  @Test
  void longPartsAreNotQuoted() {
    String junk = "0-x-" + "9".repeat(100);
    assertThatThrownBy(() -> p("0-1-1," + junk))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "MariaDB GTID position: entry 2 (104 characters): server id is not a decimal number")
        .message()
        .doesNotContain("999");
    assertThatThrownBy(() -> p(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MariaDB GTID position: null");
  }

  @ParameterizedTest(name = "[{0}] covers [{1}]: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // a | b | a covers b
        "0-1-5       | 0-1-5       | true",
        "0-1-5       | 0-1-4       | true",
        "0-1-4       | 0-1-5       | false",
        "0-1-5       | 0-2-5       | true", // the server id is not compared
        "0-2-4       | 0-1-5       | false",
        "0-1-5,1-1-3 | 0-1-5       | true",
        "0-1-5       | 0-1-5,1-1-3 | false", // a domain missing is not reached
        "0-1-5,1-1-3 | 1-1-3       | true",
        "0-1-5,1-1-2 | 0-1-1,1-1-3 | false",
        "0-1-5,2-1-2 | 1-1-1       | false",
        "0-1-5       | \"\"        | true",
        "\"\"        | \"\"        | true",
        "\"\"        | 0-1-0       | false",
        "1-1-1,3-1-1 | 2-1-1       | false",
        "1-1-1,3-1-1 | 3-1-1       | true",
        "1-1-1,3-1-1 | 4-1-1       | false",
      })
  void covers(String a, String b, boolean expected) {
    assertThat(p(a).covers(p(b))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}] join [{1}] = [{2}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // a | b | a join b
        "0-1-5       | 0-1-4       | 0-1-5",
        "0-1-4       | 0-1-5       | 0-1-5",
        "0-1-5       | 0-2-5       | 0-1-5", // tie: this side's server id
        "0-2-5       | 0-1-5       | 0-2-5",
        "0-1-5       | 0-2-5,1-1-1 | 0-1-5,1-1-1", // the tie keeps this side's even when o covers
        // it
        "0-1-5       | 1-2-3       | 0-1-5,1-2-3",
        "1-2-3       | 0-1-5       | 0-1-5,1-2-3",
        "0-1-5,1-1-2 | 0-1-1,1-2-3 | 0-1-5,1-2-3",
        "0-1-5,2-1-2 | 1-1-1,3-1-1 | 0-1-5,1-1-1,2-1-2,3-1-1",
        "\"\"        | 0-1-5       | 0-1-5",
        "0-1-5       | \"\"        | 0-1-5",
      })
  void join(String a, String b, String expected) {
    assertThat(p(a).join(p(b)).toString()).isEqualTo(expected);
  }

  @Test
  void sequencePerDomain() {
    MariaDbGtidPosition pos = p("0-1-1234,1-2-99,4294967295-3-7");
    assertThat(pos.domains()).isEqualTo(3);
    assertThat(pos.sequence(0)).isEqualTo(1234);
    assertThat(pos.sequence(1)).isEqualTo(99);
    assertThat(pos.sequence(2)).isEqualTo(-1);
    assertThat(pos.sequence(4294967295L)).isEqualTo(7);
    assertThat(MariaDbGtidPosition.EMPTY.domains()).isZero();
    assertThat(MariaDbGtidPosition.EMPTY.sequence(0)).isEqualTo(-1);
  }

  @Test
  void refusesTheOtherKind() {
    assertThatThrownBy(() -> p("0-1-5").covers(MySqlGtidSet.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a MariaDB GTID position cannot be compared with MySqlGtidSet");
    assertThatThrownBy(() -> p("0-1-5").join(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a MariaDB GTID position cannot be compared with null");
  }
}
