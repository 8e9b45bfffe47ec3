package dev.lagwise.routing;

import java.sql.SQLException;

/**
 * The unit of work bound to the current thread (the driver's {@code ConsistencyContext}), as
 * positions. Every method reads the binding of the calling thread; with none bound, reads answer -1
 * and writes do nothing.
 */
public interface BoundContext {

  /** No context, ever. */
  BoundContext NONE =
      new BoundContext() {
        @Override
        public boolean present() {
          return false;
        }

        @Override
        public boolean replacesImplicit() {
          return false;
        }

        @Override
        public long unit() {
          return 0;
        }

        @Override
        public long own() {
          return -1;
        }

        @Override
        public long carried() {
          return -1;
        }

        @Override
        public long carriedSinceNanos() {
          return 0;
        }

        @Override
        public long pendingSinceNanos() {
          return SharedPositions.NONE;
        }

        @Override
        public void saw(long position) {}

        @Override
        public void resolve(long sinceNanos, long position) {}

        @Override
        public void pending(long sinceNanos) {}
      };

  boolean present();

  /**
   * True when the bound unit of work is a request scope: while it is bound, reads need only what it
   * wrote, read and carried in, not the connection's implicit scopes (see {@link
   * SessionPositions}).
   */
  boolean replacesImplicit();

  /** Identifies the bound unit of work (distinct for every one opened in this JVM); 0 none. */
  long unit();

  /** The position of what this unit of work wrote or read (trusted); -1 none. */
  long own() throws SQLException;

  /** The position carried in from outside (untrusted: clamped by the router); -1 none. */
  long carried() throws SQLException;

  long carriedSinceNanos();

  /**
   * A moment whose primary position the unit of work must see but that is not known yet (a read on
   * the primary, a commit whose position could not be read); {@link Long#MIN_VALUE} none.
   */
  long pendingSinceNanos();

  /** Raises {@link #own()} to {@code position}. */
  void saw(long position);

  /**
   * The primary was at {@code position} at {@code sinceNanos}: raises {@link #own()} to it and
   * clears a pending moment not later than {@code sinceNanos}.
   */
  void resolve(long sinceNanos, long position);

  /** Records a pending moment (the later of this and any pending one). */
  void pending(long sinceNanos);
}
