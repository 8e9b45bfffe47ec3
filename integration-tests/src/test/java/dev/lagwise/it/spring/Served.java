package dev.lagwise.it.spring;

import java.time.OffsetDateTime;

/**
 * Where one statement ran, as the server saw it.
 *
 * @param inRecovery {@code pg_is_in_recovery()}: true on a replica
 * @param port {@code inet_server_port()}
 * @param backendPid {@code pg_backend_pid()}, or 0 when not asked
 * @param transactionStart {@code now()}: the same for every statement of one transaction
 */
public record Served(
    boolean inRecovery, int port, int backendPid, OffsetDateTime transactionStart) {}
