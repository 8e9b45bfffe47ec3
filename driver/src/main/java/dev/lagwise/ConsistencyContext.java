package dev.lagwise;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

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
 *
 * <p>A request scope ({@link #openRequest}) replaces the connection's implicit scopes while bound:
 * reads need what the context carried in, wrote and read, not what a pooled connection did for an
 * earlier request nor what other requests wrote ({@code causal}). Its writes still raise the
 * implicit scopes, so code outside requests sees them.
 *
 * <p>A context belongs to the thread that opened it. To hand work to another thread, take a {@link
 * #handoff()} on the owner thread and {@link Handoff#open()} it on the other: the child context
 * starts from everything the parent has and forwards what it writes and reads back to the root
 * context at once (through two atomics, the only state shared between threads), so a parent that
 * joins the task before it answers covers the task's writes in its {@link #token()}.
 */
public final class ConsistencyContext implements AutoCloseable {

  private static final ThreadLocal<ConsistencyContext> CURRENT = new ThreadLocal<>();
  private static final AtomicLong UNITS = new AtomicLong();

  private final ConsistencyContext previous;
  private final Thread owner;
  private final ConsistencyToken carried;
  private final long carriedSinceNanos;
  private final boolean request;
  private final long unit;

  /** The root context a hand-off child forwards to; null for a root. */
  private final ConsistencyContext root;

  /** What hand-off children wrote, read or left pending, not yet folded into the fields below. */
  private final AtomicReference<ConsistencyToken> forwarded = new AtomicReference<>();

  private final AtomicLong forwardedPending = new AtomicLong(Long.MIN_VALUE);

  private ConsistencyToken own;
  private long pendingSinceNanos = Long.MIN_VALUE;
  private boolean closed;

  private ConsistencyContext(
      ConsistencyToken carried, long carriedSinceNanos, boolean request, ConsistencyContext root) {
    this.previous = CURRENT.get();
    this.owner = Thread.currentThread();
    this.carried = carried;
    this.carriedSinceNanos = carriedSinceNanos;
    this.request = request;
    this.root = root;
    // A hand-off child is the same unit of work on another thread.
    this.unit = root == null ? UNITS.incrementAndGet() : root.unit;
  }

  /** Binds a new, empty context to the current thread. */
  public static ConsistencyContext open() {
    return open(null);
  }

  /** Binds a context that starts from {@code carried} (untrusted; may be null). */
  public static ConsistencyContext open(ConsistencyToken carried) {
    return bind(new ConsistencyContext(carried, System.nanoTime(), false, null));
  }

  /**
   * Binds a request scope that starts from {@code carried} (untrusted; may be null): while bound,
   * reads need only this context, not the connection's implicit scopes.
   */
  public static ConsistencyContext openRequest(ConsistencyToken carried) {
    return bind(new ConsistencyContext(carried, System.nanoTime(), true, null));
  }

  private static ConsistencyContext bind(ConsistencyContext c) {
    CURRENT.set(c);
    return c;
  }

  /** The context bound to the current thread, or null. */
  public static ConsistencyContext current() {
    return CURRENT.get();
  }

  /** What a later unit of work must see to see everything this one saw and wrote; or null. */
  public ConsistencyToken token() {
    ConsistencyToken o = own();
    return o == null ? carried : o.max(carried);
  }

  /** True for a request scope ({@link #openRequest}) and its hand-off children. */
  public boolean requestScope() {
    return request;
  }

  /** True for a context opened from a {@link Handoff} (a unit of work continued on this thread). */
  public boolean handedOff() {
    return root != null;
  }

  /** Identifies this unit of work; a hand-off child shares its root's. Used by the driver. */
  public long unit() {
    return unit;
  }

  /**
   * What another thread needs to continue this unit of work; call on the owner thread, open the
   * result on the other.
   */
  public Handoff handoff() {
    return new Handoff(root == null ? this : root, own(), pendingSinceNanos);
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
    if (forwarded.get() != null) {
      ConsistencyToken f = forwarded.getAndSet(null);
      own = f == null ? own : f.max(own);
    }
    return own;
  }

  /** Raises the context with a write made or a read seen inside it. Used by the driver. */
  public void wrote(ConsistencyToken token) {
    own = own == null ? token : own.max(token);
    if (root != null) {
      root.forwarded.accumulateAndGet(token, ConsistencyContext::later);
    }
  }

  private static ConsistencyToken later(ConsistencyToken a, ConsistencyToken b) {
    return a == null ? b : a.max(b);
  }

  /**
   * A moment whose primary position the context must see, not yet known; {@link Long#MIN_VALUE}
   * none. Used by the driver.
   */
  public long pendingSinceNanos() {
    if (forwardedPending.get() != Long.MIN_VALUE) {
      long f = forwardedPending.getAndSet(Long.MIN_VALUE);
      if (f != Long.MIN_VALUE) {
        pendingHere(f);
      }
    }
    return pendingSinceNanos;
  }

  /** Records a pending moment (keeps the later one). Used by the driver. */
  public void pending(long sinceNanos) {
    pendingHere(sinceNanos);
    if (root != null) {
      root.forwardedPending.accumulateAndGet(sinceNanos, ConsistencyContext::laterMoment);
    }
  }

  private void pendingHere(long sinceNanos) {
    pendingSinceNanos = laterMoment(pendingSinceNanos, sinceNanos);
  }

  private static long laterMoment(long a, long b) {
    return a == Long.MIN_VALUE || b - a > 0 ? b : a;
  }

  /**
   * The primary was at {@code token} at {@code sampledNanos}: raises the context to it and clears a
   * pending moment not later than that. Used by the driver.
   */
  public void resolve(long sampledNanos, ConsistencyToken token) {
    wrote(token);
    if (pendingSinceNanos() != Long.MIN_VALUE && pendingSinceNanos - sampledNanos <= 0) {
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

  /**
   * A unit of work's state taken on its owner thread, to continue it on another thread ({@code
   * TaskDecorator}, context propagation). Immutable; may be opened any number of times.
   */
  public static final class Handoff {
    private final ConsistencyContext root;
    private final ConsistencyToken own;
    private final long pendingSinceNanos;

    private Handoff(ConsistencyContext root, ConsistencyToken own, long pendingSinceNanos) {
      this.root = root;
      this.own = own;
      this.pendingSinceNanos = pendingSinceNanos;
    }

    /**
     * Binds to the current thread a child context that starts from everything the parent had when
     * the hand-off was taken and forwards its writes and reads to the root context. Close it on
     * this thread.
     */
    public ConsistencyContext open() {
      ConsistencyContext c =
          new ConsistencyContext(root.carried, root.carriedSinceNanos, root.request, root);
      // The parent's own positions were read from the primary or a replica: trusted, not carried.
      c.own = own;
      c.pendingSinceNanos = pendingSinceNanos;
      return bind(c);
    }
  }
}
