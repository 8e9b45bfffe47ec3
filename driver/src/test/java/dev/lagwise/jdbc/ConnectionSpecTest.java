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
        // User-info is taken off the hosts and never reaches a vendor URL.
        "jdbc:lagwise:postgresql://app:secret@db1,db2/shop | [db1:5432, db2:5432] |"
            + " jdbc:postgresql://db1:5432/shop",
        "jdbc:lagwise:mysql://app@m1:3307,m2/app | [m1:3307, m2:3306] | jdbc:mysql://m1:3307/app",
        "jdbc:lagwise:mariadb://app:pw@m1,app:pw@m2/app?useSSL=false | [m1:3306, m2:3306] |"
            + " jdbc:mariadb://m1:3306/app?useSSL=false",
        "jdbc:lagwise:postgresql://app:p@ss@[::1]:5433/shop | [[::1]:5433] |"
            + " jdbc:postgresql://[::1]:5433/shop",
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
        "jdbc:lagwise:postgresql://app:pw@/shop | no hosts",
        "jdbc:lagwise:postgresql://app:pw@db1,,db2/shop | empty host in the host list 'db1,,db2'",
        "jdbc:lagwise:postgresql://:pw@db1/shop | user-info without a user name",
        "jdbc:lagwise:postgresql://app:50%zzoff@db1/shop | invalid percent-encoding in the user-info",
        "jdbc:lagwise:postgresql://app:pw@db1,other:pw@db2/shop | host 2 differs from the first",
        "jdbc:lagwise:postgresql://db1,app:pw@db2/shop | host 2 differs from the first",
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

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // user-info | user | password (empty cell: none)
        "app:secret | app | secret",
        "app | app |",
        "app: | app | ''",
        "app:p@ss:w0rd | app | p@ss:w0rd",
        "app:p%40ss%3Aw0rd | app | p@ss:w0rd",
        "app:a+b%2Cc%25d | app | a+b,c%d",
        "d%C3%A9v%40corp:%E2%82%AC | dév@corp | €",
      })
  void userInfoIsPercentDecodedAndGoesToTheVendorAsProperties(
      String userInfo, String user, String password) throws SQLException {
    ConnectionSpec spec =
        ConnectionSpec.parse(
            "jdbc:lagwise:postgresql://" + userInfo + "@db1:5433,db2/shop?sslmode=disable", null);

    assertThat(spec.hosts).containsExactly(new HostSpec("db1", 5433), new HostSpec("db2", 5432));
    assertThat(spec.vendorProperties.getProperty("user")).isEqualTo(user);
    assertThat(spec.vendorProperties.getProperty("password")).isEqualTo(password);
    assertThat(spec.user()).isEqualTo(user);
    assertThat(spec.password()).isEqualTo(password);
    assertThat(spec.vendorUrl(spec.hosts.get(0)))
        .isEqualTo("jdbc:postgresql://db1:5433/shop?sslmode=disable");
    assertThat(spec.vendorQuery).isEqualTo("sslmode=disable");
    if (password != null && !password.isEmpty()) {
      assertThat(spec.toString()).doesNotContain(password);
      assertThat(spec.clusterKey()).doesNotContain(password);
    }
  }

  @Test
  void userInfoWinsOverUrlParametersWhichWinOverProperties() throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "from-props");
    info.setProperty("password", "props-pw");
    info.setProperty("sslmode", "require");
    Properties before = (Properties) info.clone();

    ConnectionSpec both =
        ConnectionSpec.parse(
            "jdbc:lagwise:postgresql://app:ui-pw@db1/shop?user=from-url&password=url-pw&ssl=true",
            info);
    assertThat(info).isEqualTo(before);
    assertThat(both.vendorQuery).isEqualTo("ssl=true");
    assertThat(both.vendorProperties)
        .containsEntry("user", "app")
        .containsEntry("password", "ui-pw")
        .containsEntry("sslmode", "require");
    assertThat(both.user()).isEqualTo("app");
    assertThat(both.password()).isEqualTo("ui-pw");

    // A user alone in the user-info leaves the password to the URL parameter or Properties.
    ConnectionSpec userOnly =
        ConnectionSpec.parse("jdbc:lagwise:postgresql://app@db1/shop?password=url-pw", info);
    assertThat(userOnly.vendorQuery).isEqualTo("password=url-pw");
    assertThat(userOnly.vendorProperties).containsEntry("user", "app");
    assertThat(userOnly.password()).isEqualTo("url-pw");

    // Without user-info the URL parameter wins, as it does in the vendor driver.
    ConnectionSpec url =
        ConnectionSpec.parse("jdbc:lagwise:postgresql://db1/shop?user=from%2Durl", info);
    assertThat(url.user()).isEqualTo("from-url");
    assertThat(url.password()).isEqualTo("props-pw");
    assertThat(url.clusterKey()).endsWith("?user=from-url");
  }

  @Test
  void userInfoIsPartOfTheClusterKeyButNotOfTheHosts() throws SQLException {
    Properties info = new Properties();
    info.setProperty("user", "app");
    ConnectionSpec props = ConnectionSpec.parse("jdbc:lagwise:postgresql://db1,db2/shop", info);
    ConnectionSpec userInfo =
        ConnectionSpec.parse("jdbc:lagwise:postgresql://app:x@db2,db1/shop", null);
    ConnectionSpec other =
        ConnectionSpec.parse("jdbc:lagwise:postgresql://other:x@db1,db2/shop", null);
    assertThat(userInfo.clusterKey()).isEqualTo(props.clusterKey());
    assertThat(other.clusterKey()).isNotEqualTo(props.clusterKey());
    assertThat(userInfo.toString()).isEqualTo("jdbc:lagwise:postgresql://[db2:5432,db1:5432]/shop");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // URL that fails | password that must not show
        "jdbc:lagwise:postgresql://app:hunter2@db1:0/shop | hunter2",
        "jdbc:lagwise:postgresql://app:hunter2@db1,,db2/shop | hunter2",
        "jdbc:lagwise:postgresql://app:hun%zzter2@db1/shop | hun%zzter2",
        "jdbc:lagwise:postgresql://app:hunter2@db1,app:hunter3@db2/shop | hunter",
        "jdbc:lagwise:postgresql://app:hunter2@[::1/shop | hunter2",
        "jdbc:lagwise:postgresql://app:p@hunter2@db1:x/shop | hunter2",
        "jdbc:lagwise:postgresql://app:hunter2@db1/shop?lagwise.maxLag=forever | hunter2",
        "jdbc:lagwise:postgresql://db1:0/shop?pass%77ord=hunter2 | hunter2",
        "jdbc:lagwise:oracle://app:hunter2@db1/shop | hunter2",
      })
  void userInfoPasswordsNeverAppearInMessages(String url, String password) {
    assertThatThrownBy(() -> ConnectionSpec.parse(url, null))
        .isInstanceOf(SQLException.class)
        .hasMessageNotContaining(password);
  }

  @Test
  void maskUrlHidesTheUserInfoPassword() {
    assertThat(Masking.maskUrl("jdbc:lagwise:mysql://app:p@ss:w0rd@db1,db2/shop?password=x&a=b"))
        .isEqualTo("jdbc:lagwise:mysql://app:***@db1,db2/shop?password=***&a=b");
    assertThat(Masking.maskUrl("jdbc:mysql://app@db1/shop")).isEqualTo("jdbc:mysql://app@db1/shop");
    assertThat(Masking.maskUrl("jdbc:postgresql://db1:5432/shop?ApplicationName=me@host"))
        .isEqualTo("jdbc:postgresql://db1:5432/shop?ApplicationName=me@host");
    assertThat(Masking.maskUrl("jdbc:postgresql://u:pw@db1/shop?PASS%57ORD=pw"))
        .isEqualTo("jdbc:postgresql://u:***@db1/shop?PASS%57ORD=***");
  }

  @Property
  void aUserInfoPasswordNeverShowsInAMessage(
      @ForAll("passwords") String password, @ForAll("urlish") String tail) {
    String secret = "Zq" + password + "Zq";
    try {
      ConnectionSpec spec =
          ConnectionSpec.parse("jdbc:lagwise:postgresql://app:" + secret + "@" + tail, null);
      assertThat(spec.toString()).doesNotContain(secret);
      assertThat(spec.hosts.toString()).doesNotContain(secret);
    } catch (SQLException e) {
      assertThat(e.getMessage()).doesNotContain(secret);
      assertThat(e.getSQLState()).isIn("08001", "22023");
    }
  }

  @Provide
  Arbitrary<String> passwords() {
    return Arbitraries.strings().withChars("xy9@:%4+").ofMaxLength(12);
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
    return Arbitraries.strings().withChars("ab1:,/?&=[]%@.lagwise.maxLag5s ").ofMaxLength(40);
  }
}
