package dev.lagwise;

/**
 * Reads that found no replica fit when routed and waited up to {@code lagwise.waitForReplica} for
 * one (the usual cause: a replica has not yet replayed the session's writes), cumulative for one
 * cluster in this JVM. Nothing is counted while {@code waitForReplica} is 0 (the default).
 *
 * @param served waits that ended with a replica serving the read
 * @param servedNanos their total length
 * @param timedOut waits that ran out: the read went to the primary
 * @param timedOutNanos their total length
 */
public record WaitStats(long served, long servedNanos, long timedOut, long timedOutNanos) {

  static final WaitStats NONE = new WaitStats(0, 0, 0, 0);
}
