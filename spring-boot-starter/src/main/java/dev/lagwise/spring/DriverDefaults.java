package dev.lagwise.spring;

import dev.lagwise.LagwiseProperty;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * What a {@code jdbc:lagwise:} URL implies for the rest of {@code spring.datasource.*}, added as
 * the environment's last property source (so anything the application sets wins):
 *
 * <ul>
 *   <li>{@code spring.datasource.driver-class-name=dev.lagwise.Driver}, unless one is set. Boot
 *       derives the driver from a closed list of URL prefixes; without this it fails ("Failed to
 *       determine a suitable driver class") or, with H2 on the class path, picks H2's driver for
 *       our URL.
 *   <li>each {@code lagwise.*} driver setting that is set, as a Hikari data source property ({@code
 *       spring.datasource.hikari.data-source-properties[lagwise.maxLag]=2000ms}), which Hikari
 *       passes to {@code Driver.connect}. A parameter in the URL still wins (the driver's rule).
 * </ul>
 *
 * Nothing is added for any other URL: {@code lagwise.*} keys must never reach a vendor driver.
 *
 * <p>The URL is read unresolved: {@code jdbc:lagwise:postgresql://${db.hosts}/shop} counts as ours
 * even when {@code db.hosts} comes from a source added after the environment was prepared.
 */
final class DriverDefaults {

  static final String SOURCE_NAME = "lagwiseDriverDefaults";
  static final String URL = "spring.datasource.url";
  static final String DRIVER_CLASS_NAME = "spring.datasource.driver-class-name";
  static final String HIKARI_PROPERTIES = "spring.datasource.hikari.data-source-properties";

  private DriverDefaults() {}

  static void apply(ConfigurableEnvironment environment) {
    if (environment.getPropertySources().contains(SOURCE_NAME)) {
      return;
    }
    Binder raw = new Binder(ConfigurationPropertySources.get(environment));
    String url = raw.bind(URL, String.class).orElse(null);
    if (url == null || !url.trim().startsWith("jdbc:lagwise:")) {
      return;
    }
    Map<String, Object> defaults = new LinkedHashMap<>();
    if (!raw.bind(DRIVER_CLASS_NAME, String.class).isBound()) {
      defaults.put(DRIVER_CLASS_NAME, dev.lagwise.Driver.class.getName());
    }
    Binder resolving =
        new Binder(
            ConfigurationPropertySources.get(environment),
            new PropertySourcesPlaceholdersResolver(environment));
    LagwiseProperties settings =
        resolving.bind("lagwise", Bindable.of(LagwiseProperties.class)).orElse(null);
    if (settings != null) {
      defaults.putAll(driverProperties(settings));
    }
    if (!defaults.isEmpty()) {
      environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
    }
  }

  /** The set driver settings as Hikari data source properties, in the driver's own syntax. */
  static Map<String, Object> driverProperties(LagwiseProperties settings) {
    Map<String, Object> out = new LinkedHashMap<>();
    BeanWrapperImpl bean = new BeanWrapperImpl(settings);
    for (LagwiseProperty p : LagwiseProperty.values()) {
      Object value = bean.getPropertyValue(p.beanName());
      if (value != null) {
        out.put(HIKARI_PROPERTIES + "[" + p.key() + "]", driverSyntax(value));
      }
    }
    return out;
  }

  private static String driverSyntax(Object value) {
    if (value instanceof Duration d) {
      return d.toMillis() + "ms";
    }
    if (value instanceof List<?> list) {
      StringBuilder b = new StringBuilder();
      for (Object o : list) {
        b.append(b.length() > 0 ? "," : "").append(o);
      }
      return b.toString();
    }
    return value.toString();
  }
}
