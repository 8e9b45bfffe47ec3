package dev.lagwise.spring.tracing;

import io.micrometer.common.KeyValue;

/**
 * The {@code server.address} and {@code server.port} key values of each node, made once: looking
 * one up on the statement path allocates nothing (no boxed port, no key object). Copy-on-write: a
 * JVM has a handful of nodes, so a linear scan of a small array is the fast path, and a new node
 * (rare) replaces the array.
 */
final class NodeKeyValues {

  /** One node's pair; the host is compared by identity first (the driver passes its constants). */
  record Entry(String host, int port, KeyValue address, KeyValue portValue) {}

  private volatile Entry[] entries = new Entry[0];

  Entry of(String host, int port) {
    Entry[] e = entries;
    for (Entry x : e) {
      if (x.port == port && (x.host == host || x.host.equals(host))) {
        return x;
      }
    }
    return add(host, port);
  }

  private synchronized Entry add(String host, int port) {
    Entry[] e = entries;
    for (Entry x : e) {
      if (x.port == port && x.host.equals(host)) {
        return x;
      }
    }
    Entry n =
        new Entry(
            host,
            port,
            KeyValue.of("server.address", host),
            KeyValue.of("server.port", Integer.toString(port)));
    Entry[] grown = java.util.Arrays.copyOf(e, e.length + 1);
    grown[e.length] = n;
    entries = grown;
    return n;
  }
}
