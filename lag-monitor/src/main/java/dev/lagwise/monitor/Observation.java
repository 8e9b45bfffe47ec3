package dev.lagwise.monitor;

/**
 * What one probe of one host found.
 *
 * @param replica true when the host is a replica (in recovery, read-only)
 * @param position the host's log position as a number that only grows: on a primary, how far it has
 *     written; on a replica, how far it has replayed. Negative when the host cannot tell (for a
 *     replica: its lag is unknown, and unknown means primary).
 */
public record Observation(boolean replica, long position) {}
