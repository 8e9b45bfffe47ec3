package dev.lagwise.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The generation step on its own: handled methods call the handler with the instance first, every
 * other abstract method goes to the vendor object, defaults stay, and the real vendor interfaces
 * (PgJDBC's, Connector/J's) are implemented with the handlers Lagwise means to give them.
 */
class VendorClassesTest {

  /** A vendor extension interface, as PgJDBC's would be. */
  public interface Ext {
    String handled(int n) throws SQLException;

    String vendorOnly(String s) throws SQLException;

    int vendorUnchecked();

    default String byDefault() throws SQLException {
      return "default:" + handled(1);
    }

    String plain();
  }

  /** The vendor's object behind vendor access. */
  static final class VendorObject implements Ext {
    @Override
    public String handled(int n) {
      return "vendor-handled";
    }

    @Override
    public String vendorOnly(String s) {
      return "vendor:" + s;
    }

    @Override
    public int vendorUnchecked() {
      return 42;
    }

    @Override
    public String plain() {
      return "vendor-plain";
    }
  }

  /** The Lagwise class being extended. */
  static class Base {
    final String name;
    final List<String> calls = new ArrayList<>();

    Base(String name) {
      this.name = name;
    }

    public String plain() {
      return "base-plain";
    }

    Object vendorTarget(Class<?> iface) throws SQLException {
      calls.add("vendorTarget " + iface.getSimpleName());
      return new VendorObject();
    }

    Object vendorTargetUnchecked(Class<?> iface) {
      calls.add("vendorTargetUnchecked " + iface.getSimpleName());
      return new VendorObject();
    }
  }

  static final class Handler {
    static String handled(Base b, int n) {
      return "handled " + b.name + " " + n;
    }
  }

  interface Factory {
    Base make(String name);
  }

  @Test
  void handledMethodsCallTheHandlerAndTheRestGoToTheVendor() throws SQLException {
    Factory f = VendorClasses.extend(Base.class, Ext.class, Handler.class, Factory.class);
    Base b = f.make("b1");
    assertThat(b).isInstanceOf(Ext.class);
    assertThat(b.getClass().getName()).isEqualTo(Base.class.getName() + "$Ext");
    Ext e = (Ext) b;
    assertThat(e.handled(7)).isEqualTo("handled b1 7");
    assertThat(b.calls).isEmpty();
    assertThat(e.vendorOnly("x")).isEqualTo("vendor:x");
    assertThat(e.vendorUnchecked()).isEqualTo(42);
    assertThat(b.calls).containsExactly("vendorTarget Ext", "vendorTargetUnchecked Ext");
    assertThat(e.byDefault()).as("a default method stays").isEqualTo("default:handled b1 1");
    assertThat(e.plain()).as("the base's own method stays").isEqualTo("base-plain");
    assertThat(f.make("b2")).isNotSameAs(b).isInstanceOf(b.getClass());
  }

  /** A vendor interface declaring a method the base has non-public: overriding it is refused. */
  public interface Clash {
    void internal();
  }

  static class ClashBase extends Base {
    ClashBase(String name) {
      super(name);
    }

    void internal() {}
  }

  @Test
  void aNonPublicBaseMethodOfTheSameSignatureIsRefused() {
    assertThatThrownBy(
            () -> VendorClasses.extend(ClashBase.class, Clash.class, null, Factory.class))
        .hasRootCauseMessage(
            ClashBase.class.getName()
                + " has a non-public internal that "
                + Clash.class.getName()
                + " declares public");
  }

  private static Set<String> handled(Class<?> base, Class<?> iface, Class<?> handler) {
    Set<String> out = new TreeSet<>();
    for (Method m : VendorClasses.methodsToImplement(base, iface)) {
      if (VendorClasses.handlerFor(handler, base, m) != null) {
        out.add(m.getName() + "/" + m.getParameterCount());
      }
    }
    return out;
  }

  /** A misspelt handler signature would silently become vendor access: pinned. */
  @Test
  void pgConnectionMethodsWithLagwiseSemantics() {
    assertThat(
            handled(
                LogicalConnection.class,
                org.postgresql.PGConnection.class,
                PgConnectionExtension.class))
        .containsExactlyInAnyOrder(
            "addDataType/2",
            "setPrepareThreshold/1",
            "getPrepareThreshold/0",
            "setDefaultFetchSize/1",
            "getDefaultFetchSize/0",
            "setQueryTimeout/1",
            "getQueryTimeout/0",
            "setAutosave/1",
            "getAutosave/0",
            "setAdaptiveFetch/1",
            "getAdaptiveFetch/0",
            "getCopyAPI/0",
            "createArrayOf/2",
            "getNotifications/0",
            "getNotifications/1",
            "getBackendPID/0",
            "cancelQuery/0",
            "escapeIdentifier/1",
            "escapeLiteral/1",
            "getParameterStatuses/0",
            "getParameterStatus/1",
            "getPreferQueryMode/0");
    // addDataType has two overloads of two parameters: both handled.
    long addDataType =
        VendorClasses.methodsToImplement(LogicalConnection.class, org.postgresql.PGConnection.class)
            .stream()
            .filter(m -> m.getName().equals("addDataType"))
            .filter(
                m ->
                    VendorClasses.handlerFor(
                            PgConnectionExtension.class, LogicalConnection.class, m)
                        != null)
            .count();
    assertThat(addDataType).isEqualTo(2);
  }

  @Test
  void pgStatementMethodsAreAllHandled() {
    for (Class<?> base : List.of(LogicalStatement.class, RoutedPreparedStatement.class)) {
      assertThat(handled(base, org.postgresql.PGStatement.class, PgStatementExtension.class))
          .containsExactlyInAnyOrder(
              "getLastOID/0",
              "setUseServerPrepare/1",
              "isUseServerPrepare/0",
              "setPrepareThreshold/1",
              "getPrepareThreshold/0",
              "setAdaptiveFetch/1",
              "getAdaptiveFetch/0");
    }
  }

  @Test
  void theVendorTypesAreGeneratedWhenTheDriverIsPresent() throws Exception {
    VendorTypes pg = VendorTypes.forDriver(Dialect.POSTGRESQL, new org.postgresql.Driver());
    assertThat(pg).isNotSameAs(VendorTypes.PLAIN);
    assertThat(Class.forName(LogicalConnection.class.getName() + "$PGConnection"))
        .isAssignableTo(org.postgresql.PGConnection.class)
        .isAssignableTo(LogicalConnection.class);
    for (Class<?> base :
        List.of(
            RoutedPreparedStatement.class,
            PrimaryPreparedStatement.class,
            PrimaryCallableStatement.class)) {
      assertThat(Class.forName(base.getName() + "$PGStatement"))
          .isAssignableTo(org.postgresql.PGStatement.class)
          .isAssignableTo(base)
          .isFinal();
    }
    VendorTypes mysql = VendorTypes.forDriver(Dialect.MYSQL, new com.mysql.cj.jdbc.Driver());
    assertThat(mysql).isNotSameAs(VendorTypes.PLAIN);
    assertThat(Class.forName(LogicalConnection.class.getName() + "$JdbcConnection"))
        .isAssignableTo(com.mysql.cj.jdbc.JdbcConnection.class);
    assertThat(VendorTypes.forDriver(Dialect.MARIADB, new org.mariadb.jdbc.Driver()))
        .as("MariaDB's connection is a class, not an interface")
        .isSameAs(VendorTypes.PLAIN);
  }
}
