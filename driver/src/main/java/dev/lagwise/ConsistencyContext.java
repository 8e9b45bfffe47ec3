package dev.lagwise;

/**
 * Read-your-writes for one unit of work that spans connections, such as one HTTP request: bound to
 * the current thread, merged into every Lagwise connection used inside it, and readable at its end
 * so a framework can carry it to the next request (a cookie, a header) or to another JVM.
 *
 * <pre>{@code
 * try (ConsistencyContext ctx = ConsistencyContext.open(tokenFromRequestOrNull)) {
 *   ... any JDBC work, on any pooled connection ...
 *   response.setHeader("X-Consistency", ctx.token() == null ? "" : ctx.token().toString());
 * }
 * }</pre>
 *
 * A token carried in from outside is untrusted: connections clamp it to the primary's position.
 * Writes and reads made inside the context raise it. Contexts nest; closing one restores the
 * previous.
 *
 * <p>When a write's position could not be read (the primary did not answer the capture) or a read
 * ran on the primary, the context records the moment instead, and connections resolve it from the
 * next primary sample; {@link #token()} then covers it only once a later Lagwise statement in the
 * context has resolved it.
 */
public final class ConsistencyContext implements AutoCloseable {

  private static final ThreadLocal<ConsistencyContext> CURRENT = new ThreadLocal<>();

  private final ConsistencyContext previous;
  private final Thread owner;
  private final ConsistencyToken carried;
  private final long carriedSinceNanos;
  private ConsistencyToken own;
  private long pendingSinceNanos = Long.MIN_VALUE;
  private boolean closed;

  private ConsistencyContext(ConsistencyToken carried) {
    this.previous = CURRENT.get();
    this.owner = Thread.currentThread();
    this.carried = carried;
    this.carriedSinceNanos = System.nanoTime();
  }

  /** Binds a new, empty context to the current thread. */
  public static ConsistencyContext open() {
    return open(null);
  }

  /** Binds a context that starts from {@code carried} (untrusted; may be null). */
  public static ConsistencyContext open(ConsistencyToken carried) {
    ConsistencyContext c = new ConsistencyContext(carried);
    CURRENT.set(c);
    return c;
  }

  /** The context bound to the current thread, or null. */
  public static ConsistencyContext current() {
    return CURRENT.get();
  }

  /** What a later unit of work must see to see everything this one saw and wrote; or null. */
  public ConsistencyToken token() {
    return own == null ? carried : own.max(carried);
  }

  /** The token carried in from outside, untrusted; or null. Used by the driver. */
  public ConsistencyToken carried() {
    return carried;
  }

  /** When the carried token arrived ({@code System.nanoTime()}). Used by the driver. */
  public long carriedSinceNanos() {
    return carriedSinceNanos;
  }

  /** The position of writes made inside this context; or null. Used by the driver. */
  public ConsistencyToken own() {
    return own;
  }

  /** Raises the context with a write made or a read seen inside it. Used by the driver. */
  public void wrote(ConsistencyToken token) {
    own = own == null ? token : own.max(token);
  }

  /**
   * A moment whose primary position the context must see, not yet known; {@link Long#MIN_VALUE}
   * none. Used by the driver.
   */
  public long pendingSinceNanos() {
    return pendingSinceNanos;
  }

  /** Records a pending moment (keeps the later one). Used by the driver. */
  public void pending(long sinceNanos) {
    if (pendingSinceNanos == Long.MIN_VALUE || sinceNanos - pendingSinceNanos > 0) {
      pendingSinceNanos = sinceNanos;
    }
  }

  /**
   * The primary was at {@code token} at {@code sampledNanos}: raises the context to it and clears a
   * pending moment not later than that. Used by the driver.
   */
  public void resolve(long sampledNanos, ConsistencyToken token) {
    wrote(token);
    if (pendingSinceNanos != Long.MIN_VALUE && pendingSinceNanos - sampledNanos <= 0) {
      pendingSinceNanos = Long.MIN_VALUE;
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (Thread.currentThread() == owner && CURRENT.get() == this) {
      if (previous == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(previous);
      }
    }
  }
}
