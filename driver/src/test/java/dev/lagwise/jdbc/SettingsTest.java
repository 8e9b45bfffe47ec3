package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseProperty;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SettingsTest {

  @ParameterizedTest
  @CsvSource({"200ms, 200", "2s, 2000", "1m, 60000", "1h, 3600000", "0ms, 0", "5S, 5000"})
  void parsesDurations(String text, long millis) {
    assertThat(Settings.parseDuration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "lagwise.maxLag | soon | Invalid value 'soon' for lagwise.maxLag: expected a duration",
        "lagwise.maxLag | 5 | Invalid value '5' for lagwise.maxLag",
        "lagwise.maxLag | -1s | Invalid value '-1s'",
        "lagwise.pollInterval | 0ms | expected a duration greater than zero",
        "lagwise.loadBalance | random | expected one of round-robin, least-in-flight",
        "lagwise.catalogFunctions | yes | expected true or false",
        "lagwise.maxlag | 2s | Unknown Lagwise property 'lagwise.maxlag'; known properties:",
        "lagwise.nope | x | Unknown Lagwise property 'lagwise.nope'",
      })
  void rejectsBadValuesNamingPropertyValueAndWhatIsAllowed(
      String key, String value, String message) {
    assertThatThrownBy(() -> Settings.parse(Map.of(key, value)))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("22023");
  }

  @Property
  void everyWholeNumberOfMillisecondsRoundTrips(@ForAll @LongRange(max = 1_000_000) long ms) {
    assertThat(Settings.parseDuration(ms + "ms")).isEqualTo(Duration.ofMillis(ms));
  }

  @Property
  void everyDefaultParses(@ForAll LagwiseProperty p) throws SQLException {
    assertThat(Settings.parse(Map.of(p.key(), p.defaultValue()))).isNotNull();
  }
}
