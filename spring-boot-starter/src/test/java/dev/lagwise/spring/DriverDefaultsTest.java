package dev.lagwise.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lagwise.LagwiseProperty;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** {@link DriverDefaults}: what a jdbc:lagwise: URL adds to the environment, and only then. */
class DriverDefaultsTest {

  private static StandardEnvironment environment(Map<String, Object> properties) {
    StandardEnvironment env = new StandardEnvironment();
    env.getPropertySources().addFirst(new MapPropertySource("application", properties));
    return env;
  }

  @Test
  void aLagwiseUrlGetsTheDriverClass() {
    StandardEnvironment env =
        environment(Map.of("spring.datasource.url", "jdbc:lagwise:postgresql://a,b/shop"));
    DriverDefaults.apply(env);
    assertThat(env.getProperty("spring.datasource.driver-class-name"))
        .isEqualTo("dev.lagwise.Driver");
  }

  @Test
  void anUnresolvedPlaceholderInTheUrlIsFine() {
    StandardEnvironment env =
        environment(Map.of("spring.datasource.url", "jdbc:lagwise:postgresql://${db.hosts}/shop"));
    DriverDefaults.apply(env);
    assertThat(env.getProperty("spring.datasource.driver-class-name"))
        .isEqualTo("dev.lagwise.Driver");
  }

  @Test
  void theApplicationsOwnDriverClassWins() {
    StandardEnvironment env =
        environment(
            Map.of(
                "spring.datasource.url", "jdbc:lagwise:postgresql://a,b/shop",
                "spring.datasource.driverClassName", "com.example.Wrapper"));
    DriverDefaults.apply(env);
    assertThat(env.getProperty("spring.datasource.driver-class-name")).isNull();
    assertThat(env.getProperty("spring.datasource.driverClassName"))
        .isEqualTo("com.example.Wrapper");
  }

  @Test
  void anotherUrlGetsNothingNotEvenTheLagwiseSettings() {
    StandardEnvironment env =
        environment(
            Map.of("spring.datasource.url", "jdbc:postgresql://a/shop", "lagwise.max-lag", "3s"));
    DriverDefaults.apply(env);
    assertThat(env.getPropertySources().contains(DriverDefaults.SOURCE_NAME)).isFalse();
    StandardEnvironment none = environment(Map.of("lagwise.max-lag", "3s"));
    DriverDefaults.apply(none);
    assertThat(none.getPropertySources().contains(DriverDefaults.SOURCE_NAME)).isFalse();
  }

  @Test
  void setDriverSettingsAreForwardedInTheDriversSyntaxUnderTheirExactKeys() {
    StandardEnvironment env =
        environment(
            Map.of(
                "spring.datasource.url", "jdbc:lagwise:postgresql://a,b/shop",
                "lagwise.max-lag", "1500",
                "lagwise.waitForReplica", "PT2S",
                "lagwise.consistency", "session",
                "lagwise.replica-safe-functions", "geo.distance,slugify",
                "lagwise.catalog-functions", "false",
                "lagwise.web.cookie-name", "not-a-driver-setting"));
    DriverDefaults.apply(env);
    MapPropertySource added =
        (MapPropertySource) env.getPropertySources().get(DriverDefaults.SOURCE_NAME);
    String prefix = "spring.datasource.hikari.data-source-properties";
    assertThat(added.getSource())
        .containsOnly(
            Map.entry("spring.datasource.driver-class-name", "dev.lagwise.Driver"),
            Map.entry(prefix + "[lagwise.maxLag]", "1500ms"),
            Map.entry(prefix + "[lagwise.waitForReplica]", "2000ms"),
            Map.entry(prefix + "[lagwise.consistency]", "session"),
            Map.entry(prefix + "[lagwise.replicaSafeFunctions]", "geo.distance,slugify"),
            Map.entry(prefix + "[lagwise.catalogFunctions]", "false"));
    assertThat(env.getPropertySources().stream().reduce((a, b) -> b).orElseThrow()).isSameAs(added);
  }

  @Test
  void aBadValueFailsNamingTheProperty() {
    StandardEnvironment env =
        environment(
            Map.of(
                "spring.datasource.url", "jdbc:lagwise:postgresql://a,b/shop",
                "lagwise.max-lag", "soon"));
    assertThatThrownBy(() -> DriverDefaults.apply(env)).hasMessageContaining("lagwise.max-lag");
  }

  /** Every driver setting can be written under lagwise.* in application.properties. */
  @Test
  void everyDriverPropertyHasASpringProperty() {
    BeanWrapperImpl bean = new BeanWrapperImpl(new LagwiseProperties());
    for (LagwiseProperty p : LagwiseProperty.values()) {
      assertThat(bean.isReadableProperty(p.beanName())).as(p.key()).isTrue();
      assertThat(bean.isWritableProperty(p.beanName())).as(p.key()).isTrue();
    }
  }
}
