package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@link MySqlGtidSet}: parsing, normal form, covers (subset) and join (union) as tables. In the
 * tables, {@code A}, {@code B} and {@code C} stand for three uuids in ascending order.
 */
class MySqlGtidSetTest {
  static final String A = "3e11fa47-71ca-11e1-9e33-c80aa9429562";
  static final String B = "3e11fa47-71ca-11e1-9e33-c80aa9429563";
  static final String C = "ffffffff-ffff-ffff-ffff-fffffffffffe";

  private static String expand(String s) {
    return s.replace("A", A).replace("B", B).replace("C", C);
  }

  private static MySqlGtidSet g(String text) {
    return MySqlGtidSet.parse(expand(text));
  }

  @ParameterizedTest(name = "[{0}] -> [{1}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // input (A, B, C expanded) | canonical text
        "\"\"                  | \"\"",
        "\" \n \"              | \"\"",
        "A:1-5                 | A:1-5",
        "A:1-42:50-60,B:1-7    | A:1-42:50-60,B:1-7",
        "B:1-7,A:1-42:50-60    | A:1-42:50-60,B:1-7",
        "A:7                   | A:7",
        "A:7-7                 | A:7",
        "A:1-3:4-5             | A:1-5",
        "A:4-5:1-3             | A:1-5",
        "A:1-3:5-6             | A:1-3:5-6",
        "A:5-6:1-3             | A:1-3:5-6",
        "A:1-10:2-3            | A:1-10",
        "A:2-3:1-10            | A:1-10",
        "A:1:2:3:5             | A:1-3:5",
        "A:3:1:2               | A:1-3",
        "A:1-3,A:2-8           | A:1-8",
        "A:1-3,B:1,A:9         | A:1-3:9,B:1",
        "A:1-9223372036854775806 | A:1-9223372036854775806",
        "C:1,A:1               | A:1,C:1",
        // tagged GTIDs (MySQL 8.3+): a tag applies up to the next tag within its uuid group
        "A:1-5:tag1:1-3        | A:1-5:tag1:1-3",
        "A:tag1:1-3:1-2        | A:tag1:1-3",
        "A:tag1:1-3,A:1-5      | A:1-5:tag1:1-3",
        "A:TaG1:1-3            | A:tag1:1-3",
        "A:b:1:a:2             | A:a:2:b:1",
        "A:b:1:a:2:b:2         | A:a:2:b:1-2",
        "A:_x9:1               | A:_x9:1",
        "A:a:1,B:2,A:3         | A:3:a:1,B:2",
        "A:abcdefghijklmnopqrstuvwxyz012345:1 | A:abcdefghijklmnopqrstuvwxyz012345:1",
      })
  void parsesToNormalForm(String input, String canonical) {
    MySqlGtidSet set = g(input);
    assertThat(set.toString()).isEqualTo(expand(canonical));
    assertThat(set.textLength()).isEqualTo(expand(canonical).length());
    assertThat(g(canonical)).isEqualTo(set).hasSameHashCodeAs(set);
    assertThat(set.isEmpty()).isEqualTo(canonical.isEmpty());
  }

  @Test
  void serverOutput() {
    String executed =
        "3E11FA47-71CA-11E1-9E33-C80AA9429562:1-5,\n3e11fa47-71ca-11e1-9e33-c80aa9429563:1-3:11:47-49";
    MySqlGtidSet set = MySqlGtidSet.parse(executed);
    assertThat(set.toString())
        .isEqualTo(
            "3e11fa47-71ca-11e1-9e33-c80aa9429562:1-5,3e11fa47-71ca-11e1-9e33-c80aa9429563:1-3:11:47-49");
    assertThat(set.sources()).isEqualTo(2);
    assertThat(set.intervals()).isEqualTo(4);
    assertThat(MySqlGtidSet.parse(" " + executed + "\n")).isEqualTo(set);
    assertThat(MySqlGtidSet.parse(executed.replace(",\n", " ,\r\n\t"))).isEqualTo(set);
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // input (A, B, C expanded) | the message contains (A expanded)
        "A                        | group 1 \"A\": no interval",
        "A:                       | group 1 \"A:\": empty part after ':'",
        "A::1                     | group 1 \"A::1\": empty part after ':'",
        "A:1:                     | group 1 \"A:1:\": empty part after ':'",
        "A:0                      | group 1 \"A:0\": transaction numbers start at 1",
        "A:0-5                    | group 1 \"A:0-5\": transaction numbers start at 1",
        "A:5-3                    | group 1 \"A:5-3\": interval ends before it starts",
        "A:1-                     | group 1 \"A:1-\": expected n or n-m with decimal numbers",
        "A:1-2-3                  | group 1 \"A:1-2-3\": expected n or n-m with decimal numbers",
        "A:1x                     | group 1 \"A:1x\": expected n or n-m with decimal numbers",
        "A:-1                     | group 1 \"A:-1\": neither an interval nor a tag",
        "A:9223372036854775807    | transaction number above 9223372036854775806",
        "A:1-9223372036854775807  | transaction number above 9223372036854775806",
        "A:1-99999999999999999999 | transaction number above 9223372036854775806",
        "A:1,                     | group 2 is empty",
        "A:1,,B:1                 | group 2 is empty",
        "\"A:1, ,B:1\"            | group 2 is empty",
        "A:1,B                    | group 2 \"B\": no interval",
        "A:1 ,B:1:2 :3            | group 2 \"B:1:2 :3\": expected n or n-m with decimal numbers",
        "3e11fa47-71ca-11e1-9e33-c80aa942956 | group 1 \"3e11fa47-71ca-11e1-9e33-c80aa942956\": expected a uuid",
        "3e11fa47-71ca-11e1-9e33-c80aa942956:1 | expected a uuid",
        "3e11fa4771ca11e19e33c80aa9429562:1 | expected a uuid",
        "3e11fa47-71ca-11e1-9e33-c80aa942956g:1 | not a uuid",
        "3e11fa47+71ca-11e1-9e33-c80aa9429562:1 | not a uuid",
        "{3e11fa47-71ca-11e1-9e33-c80aa9429562}:1 | expected a uuid",
        "A1:1                     | expected a uuid",
        "A:tag                    | group 1 \"A:tag\": tag 'tag' has no interval",
        "A:1:tag                  | tag 'tag' has no interval",
        "A:a:b:1                  | tag 'a' has no interval before it",
        "A:1a:1                   | \"A:1a:1\": expected n or n-m with decimal numbers",
        "A:ta-g:1                 | neither an interval nor a tag",
        "A:tæg:1                  | neither an interval nor a tag",
        "A:abcdefghijklmnopqrstuvwxyz0123456:1 | tag longer than 32 characters",
        "A:١                      | neither an interval nor a tag",
        "mysql:A:1                | group 1 \"mysql:A:1\": expected a uuid",
      })
  void refusesWithTheOffendingPart(String input, String message) {
    assertThatThrownBy(() -> g(input))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("MySQL GTID set: ")
        .hasMessageContaining(expand(message));
  }

  @Test
  void longGroupsQuoteOnlyTheBadPart() {
    String text = A + ":1:3:5:7:9:11:13:15:17:19:21:23:25:27:29:31:33:0";
    assertThatThrownBy(() -> MySqlGtidSet.parse("  " + text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "MySQL GTID set: group 1 (84 characters) at \"0\": transaction numbers start at 1");
    assertThatThrownBy(() -> MySqlGtidSet.parse(A + ":" + "1".repeat(100) + "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "MySQL GTID set: group 1 (138 characters) at (101 characters):"
                + " transaction number above 9223372036854775806");
    assertThatThrownBy(() -> MySqlGtidSet.parse(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("MySQL GTID set: null");
  }

  @ParameterizedTest(name = "[{0}] covers [{1}]: {2}")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // a | b | a covers b
        "A:1-5            | A:1-5          | true",
        "A:1-5            | A:2-3          | true",
        "A:1-5            | A:1:5          | true",
        "A:2-5            | A:1            | false",
        "A:1-5            | A:1-6          | false",
        "A:1-3:5-7        | A:4            | false",
        "A:1-3:5-7        | A:3-5          | false",
        "A:1-3:5-7        | A:2:6          | true",
        "A:1-3:5-7        | A:5-7          | true",
        "A:1-3:5-7:9      | A:9            | true",
        "A:1-5            | B:1            | false",
        "A:1-5,B:1-2      | B:1            | true",
        "A:1-5,B:1-2      | A:3,B:2        | true",
        "A:1-5,B:1-2      | A:3,B:3        | false",
        "A:1-5,C:1        | B:1            | false",
        "A:1-5            | A:1-5,B:1      | false",
        "A:1-5            | \"\"           | true",
        "\"\"             | \"\"           | true",
        "\"\"             | A:1            | false",
        "A:1-5            | A:t:1          | false", // a tagged source is another source
        "A:t:1-5          | A:1            | false",
        "A:1-5:t:1-5      | A:3:t:3        | true",
        "A:1-5:t:1-5      | A:t:6          | false",
        "A:1-5:s:1:t:1-5  | A:t:2          | true",
        "A:1-5:t:1        | A:s:1          | false",
      })
  void covers(String a, String b, boolean expected) {
    assertThat(g(a).covers(g(b))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "[{0}] join [{1}] = [{2}]")
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        // a | b | a join b
        "A:1-5         | A:2-3        | A:1-5",
        "A:2-3         | A:1-5        | A:1-5",
        "A:1-3         | A:4-6        | A:1-6",
        "A:1-3         | A:5-6        | A:1-3:5-6",
        "A:5-6         | A:1-3        | A:1-3:5-6",
        "A:1:3:5       | A:2:4        | A:1-5",
        "A:1-10:20-30  | A:5-25       | A:1-30",
        "A:1           | B:1          | A:1,B:1",
        "B:1           | A:1          | A:1,B:1",
        "A:1,C:1       | B:1          | A:1,B:1,C:1",
        "A:1-2,B:5     | A:3,B:1-4    | A:1-3,B:1-5",
        "A:1           | A:t:1        | A:1:t:1",
        "A:t:1         | A:s:1:t:2    | A:s:1:t:1-2",
        "\"\"          | A:1          | A:1",
        "A:1           | \"\"         | A:1",
      })
  void join(String a, String b, String expected) {
    assertThat(g(a).join(g(b)).toString()).isEqualTo(expand(expected));
  }

  @Test
  void refusesTheOtherKind() {
    assertThatThrownBy(() -> g("A:1").covers(MariaDbGtidPosition.EMPTY))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a MySQL GTID set cannot be compared with MariaDbGtidPosition");
    assertThatThrownBy(() -> g("A:1").join(null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a MySQL GTID set cannot be compared with null");
  }
}
