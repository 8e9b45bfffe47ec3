package dev.lagwise.jdbc;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.sql.Connection;

/**
 * MySQL Connector/J's record of the server's transaction state and autocommit, from the status
 * flags of every OK packet ({@code ServerSession.inTransactionOnServer()}, {@code isAutocommit()}).
 * Connector/J is not a compile-time dependency of the driver, so its methods are looked up once, as
 * method handles, when this class is first used; only the rare statements after which routing must
 * learn whether a transaction is open (transaction control in a multi-statement string, an implicit
 * commit) call them.
 */
final class MySqlTransactionState {
  private static final Class<?> CONNECTION;
  private static final MethodHandle GET_SESSION;
  private static final MethodHandle GET_SERVER_SESSION;
  private static final MethodHandle IN_TRANSACTION;
  private static final MethodHandle AUTOCOMMIT;

  static {
    Class<?> connection = null;
    MethodHandle session = null;
    MethodHandle server = null;
    MethodHandle inTx = null;
    MethodHandle autoCommit = null;
    try {
      ClassLoader l = MySqlTransactionState.class.getClassLoader();
      Class<?> c = Class.forName("com.mysql.cj.MysqlConnection", false, l);
      Class<?> s = Class.forName("com.mysql.cj.Session", false, l);
      Class<?> ss = Class.forName("com.mysql.cj.protocol.ServerSession", false, l);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      session = lookup.findVirtual(c, "getSession", MethodType.methodType(s));
      server = lookup.findVirtual(s, "getServerSession", MethodType.methodType(ss));
      inTx = lookup.findVirtual(ss, "inTransactionOnServer", MethodType.methodType(boolean.class));
      // "isAutocommit" (the server's status flag), not "isAutoCommit" (Connector/J's own flag).
      autoCommit = lookup.findVirtual(ss, "isAutocommit", MethodType.methodType(boolean.class));
      connection = c;
    } catch (ReflectiveOperationException | LinkageError e) {
      // Connector/J absent or changed: the state is unknown, and routing stays on the safe side.
    }
    CONNECTION = connection;
    GET_SESSION = session;
    GET_SERVER_SESSION = server;
    IN_TRANSACTION = inTx;
    AUTOCOMMIT = autoCommit;
  }

  private MySqlTransactionState() {}

  /** True when the server said a transaction is open on {@code c}; null if unknown. */
  static Boolean open(Connection c) {
    return ask(c, IN_TRANSACTION);
  }

  /** The server's autocommit on {@code c}, from its last status flags; null if unknown. */
  static Boolean autoCommit(Connection c) {
    return ask(c, AUTOCOMMIT);
  }

  private static Boolean ask(Connection c, MethodHandle serverSessionFlag) {
    if (CONNECTION == null || !CONNECTION.isInstance(c)) {
      return null;
    }
    try {
      Object session = GET_SESSION.invoke(c);
      return (boolean) serverSessionFlag.invoke(GET_SERVER_SESSION.invoke(session));
    } catch (Throwable e) {
      return null;
    }
  }
}
