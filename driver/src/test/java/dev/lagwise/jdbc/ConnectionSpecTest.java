package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.SQLException;
import java.time.Duration;
import java.util.Properties;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionSpecTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // URL | hosts | vendor URL of the first host
        "jdbc:lagwise:postgresql://db1/shop | [db1:5432] | jdbc:postgresql://db1:5432/shop",
        "jdbc:lagwise:postgresql://db1:6543,db2/shop | [db1:6543, db2:5432] |"
            + " jdbc:postgresql://db1:6543/shop",
        "jdbc:lagwise:postgresql://[::1]:5433,db2/shop?ssl=true |"
            + " [[::1]:5433, db2:5432] | jdbc:postgresql://[::1]:5433/shop?ssl=true",
        "jdbc:lagwise:postgresql://db1/shop?lagwise.maxLag=5s&sslmode=require&ApplicationName=a%20b"
            + " | [db1:5432] | jdbc:postgresql://db1:5432/shop?sslmode=require&ApplicationName=a%20b",
        "jdbc:lagwise:postgresql://db1 | [db1:5432] | jdbc:postgresql://db1:5432/",
        "jdbc:lagwise:mariadb://m1,m2:3307/app | [m1:3306, m2:3307] |"
            + " jdbc:mariadb://m1:3306/app",
        "jdbc:lagwise:mysql://m1/app?useSSL=false | [m1:3306] | jdbc:mysql://m1:3306/app?useSSL=false",
      })
  void parsesHostsAndBuildsTheVendorUrl(String url, String hosts, String vendorUrl)
      throws SQLException {
    ConnectionSpec spec = ConnectionSpec.parse(url, new Properties());
    assertThat(spec.hosts.toString()).isEqualTo(hosts);
    assertThat(spec.vendorUrl(spec.hosts.get(0))).isEqualTo(vendorUrl);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "jdbc:lagwise:oracle://db1/x | expected postgresql://, mysql:// or mariadb://",
        "jdbc:lagwise:postgresql:shop | expected postgresql://",
        "jdbc:lagwise:postgresql:///shop | no hosts",
        "jdbc:lagwise:postgresql://db1,,db2/shop | empty host",
        "jdbc:lagwise:postgresql://db1:0/shop | invalid port '0'",
        "jdbc:lagwise:postgresql://db1:99999/shop | invalid port '99999'",
        "jdbc:lagwise:postgresql://db1:abc/shop | invalid port 'abc'",
        "jdbc:lagwise:postgresql://[::1/shop | unterminated IPv6",
        "jdbc:lagwise:postgresql://:5432/shop | empty host name",
      })
  void rejectsMalformedUrlsWithAConnectionSqlState(String url, String message) {
    assertThatThrownBy(() -> ConnectionSpec.parse(url, null))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining(message)
        .extracting(e -> ((SQLException) e).getSQLState())
        .isEqualTo("08001");
  }

  @Test
  void lagwisePropertiesNeverReachTheVendorAndTheCallersPropertiesAreUntouched()
      throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "app");
    info.setProperty("password", "s3cret");
    info.setProperty("lagwise.maxLag", "1s");
    info.setProperty("lagwise.loadBalance", "least-in-flight");
    Properties before = (Properties) info.clone();

    ConnectionSpec spec =
        ConnectionSpec.parse(
            "jdbc:lagwise:postgresql://db1/shop?lagwise.maxLag=3s&socketTimeout=5", info);

    assertThat(info).isEqualTo(before);
    assertThat(spec.vendorProperties.stringPropertyNames()).containsOnly("user", "password");
    assertThat(spec.vendorQuery).isEqualTo("socketTimeout=5");
    // The URL wins over Properties, as in PgJDBC.
    assertThat(spec.settings.maxLag).isEqualTo(Duration.ofSeconds(3));
    assertThat(spec.settings.loadBalance).isEqualTo(Settings.LoadBalance.LEAST_IN_FLIGHT);
  }

  @Test
  void propertiesDefaultsAreSeen() throws SQLException {
    Properties defaults = new Properties();
    defaults.setProperty("lagwise.maxLag", "7s");
    ConnectionSpec spec =
        ConnectionSpec.parse("jdbc:lagwise:postgresql://db1/shop", new Properties(defaults));
    assertThat(spec.settings.maxLag).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void clusterKeyIgnoresHostOrder() throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "app");
    String a = ConnectionSpec.parse("jdbc:lagwise:postgresql://b:1,a:2/db", info).clusterKey();
    String b = ConnectionSpec.parse("jdbc:lagwise:postgresql://a:2,b:1/db", info).clusterKey();
    assertThat(a).isEqualTo(b);
  }

  @Test
  void passwordsNeverAppearInMessagesOrToString() throws SQLException {
    String url = "jdbc:lagwise:postgresql://db1:0/shop?password=hunter2&user=u";
    assertThatThrownBy(() -> ConnectionSpec.parse(url, null))
        .hasMessageNotContaining("hunter2")
        .hasMessageContaining("password=***");
    assertThat(
            ConnectionSpec.parse("jdbc:lagwise:postgresql://db1/shop?password=hunter2", null)
                .toString())
        .doesNotContain("hunter2");
  }

  @Property
  void parsingNeverThrowsAnythingButSqlException(@ForAll("urlish") String tail) {
    try {
      ConnectionSpec.parse("jdbc:lagwise:postgresql://" + tail, null);
    } catch (SQLException expected) {
      assertThat(expected.getSQLState()).isIn("08001", "22023");
    }
  }

  @Provide
  Arbitrary<String> urlish() {
    return Arbitraries.strings().withChars("ab1:,/?&=[]%.lagwise.maxLag5s ").ofMaxLength(40);
  }
}
