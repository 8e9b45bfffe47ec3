package dev.lagwise.it;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.SocketFactory;

/**
 * A socket factory for PgJDBC ({@code socketFactory} / {@code socketFactoryArg}) that counts what
 * the connections opened by one thread send: frontend messages by type and round trips (a read
 * after a write). Connections other threads open (Lagwise's lag-monitor probes) are not counted, so
 * a test sees the wire cost of its own statements only.
 *
 * <p>The connection must not negotiate SSL or GSS encryption ({@code sslmode=disable}, {@code
 * gssEncMode=disable}): the first message is then the untyped startup message and every later one
 * is a type byte and a length.
 */
public final class WireCounter extends SocketFactory {

  /** What the counted connections of one key sent. */
  public static final class Counts {
    final Thread owner = Thread.currentThread();
    final String key = UUID.randomUUID().toString();
    final long[] messages = new long[128];
    long roundTrips;

    /** Frontend messages of {@code type} so far ('P' Parse, 'B' Bind, 'E' Execute, ...). */
    public synchronized long messages(char type) {
      return messages[type];
    }

    public synchronized long roundTrips() {
      return roundTrips;
    }

    /** The URL properties that make a PgJDBC (or Lagwise) connection count here. */
    public String urlProperties() {
      return "socketFactory="
          + WireCounter.class.getName()
          + "&socketFactoryArg="
          + key
          + "&sslmode=disable&gssEncMode=disable";
    }

    /** A copy, to subtract from a later one. */
    public synchronized long[] snapshot() {
      long[] s = new long[129];
      System.arraycopy(messages, 0, s, 0, 128);
      s[128] = roundTrips;
      return s;
    }

    synchronized void message(int type) {
      messages[type & 127]++;
    }

    synchronized void roundTrip() {
      roundTrips++;
    }
  }

  private static final Map<String, Counts> REGISTERED = new ConcurrentHashMap<>();

  /** New counts for the connections the calling thread opens; {@link #unregister} after use. */
  public static Counts register() {
    Counts c = new Counts();
    REGISTERED.put(c.key, c);
    return c;
  }

  public static void unregister(Counts c) {
    REGISTERED.remove(c.key);
  }

  private final Counts counts;

  /** PgJDBC instantiates the factory with {@code socketFactoryArg}. */
  public WireCounter(String key) {
    this.counts = REGISTERED.get(key);
  }

  @Override
  public Socket createSocket() {
    return counts != null && Thread.currentThread() == counts.owner
        ? new CountingSocket(counts)
        : new Socket();
  }

  @Override
  public Socket createSocket(String host, int port) {
    throw new UnsupportedOperationException("PgJDBC connects an unconnected socket");
  }

  @Override
  public Socket createSocket(String host, int port, InetAddress local, int localPort) {
    throw new UnsupportedOperationException("PgJDBC connects an unconnected socket");
  }

  @Override
  public Socket createSocket(InetAddress host, int port) {
    throw new UnsupportedOperationException("PgJDBC connects an unconnected socket");
  }

  @Override
  public Socket createSocket(InetAddress address, int port, InetAddress local, int localPort) {
    throw new UnsupportedOperationException("PgJDBC connects an unconnected socket");
  }

  private static final class CountingSocket extends Socket {
    private final Counts counts;
    private InputStream countedIn;
    private OutputStream countedOut;

    /** Written since the last read: the next read ends a round trip. */
    private boolean wrote;

    // Frontend message framing: header bytes seen of the current message, its body left to skip.
    private boolean startupSent;
    private int headerSeen;
    private int length;
    private long bodyLeft;

    CountingSocket(Counts counts) {
      this.counts = counts;
    }

    @Override
    public synchronized InputStream getInputStream() throws IOException {
      if (countedIn == null) {
        countedIn =
            new FilterInputStream(super.getInputStream()) {
              @Override
              public int read() throws IOException {
                turn();
                return super.read();
              }

              @Override
              public int read(byte[] b, int off, int len) throws IOException {
                turn();
                return super.read(b, off, len);
              }
            };
      }
      return countedIn;
    }

    @Override
    public synchronized OutputStream getOutputStream() throws IOException {
      if (countedOut == null) {
        countedOut =
            new FilterOutputStream(super.getOutputStream()) {
              @Override
              public void write(int b) throws IOException {
                sent(new byte[] {(byte) b}, 0, 1);
                out.write(b);
              }

              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                sent(b, off, len);
                out.write(b, off, len);
              }
            };
      }
      return countedOut;
    }

    private void turn() {
      if (wrote) {
        wrote = false;
        counts.roundTrip();
      }
    }

    private void sent(byte[] b, int off, int len) {
      wrote |= len > 0;
      int end = off + len;
      int i = off;
      while (i < end) {
        if (bodyLeft > 0) {
          int skip = (int) Math.min(bodyLeft, end - i);
          bodyLeft -= skip;
          i += skip;
          continue;
        }
        int typeBytes = startupSent ? 1 : 0;
        if (headerSeen < typeBytes) {
          counts.message(b[i]);
        } else {
          length = (length << 8) | (b[i] & 0xff);
        }
        headerSeen++;
        i++;
        if (headerSeen == typeBytes + 4) {
          bodyLeft = length - 4L;
          headerSeen = 0;
          length = 0;
          startupSent = true;
        }
      }
    }
  }
}
