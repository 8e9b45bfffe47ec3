package dev.lagwise.spring.web;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of tokens requests carried in, for a metrics binder to read. A rejected token is ignored:
 * the request proceeds as if it had carried none.
 */
public final class LagwiseWebMetrics {

  private final AtomicLong rejectedTokens = new AtomicLong();
  private final AtomicLong acceptedTokens = new AtomicLong();

  /**
   * Tokens ignored: a cookie without a valid signature (forged, or signed with another key), or a
   * header or cookie that is not a token of this application's engine.
   */
  public long rejectedTokens() {
    return rejectedTokens.get();
  }

  /** Tokens accepted from a header or a cookie (still clamped by the driver). */
  public long acceptedTokens() {
    return acceptedTokens.get();
  }

  void rejected() {
    rejectedTokens.incrementAndGet();
  }

  void accepted() {
    acceptedTokens.incrementAndGet();
  }
}
