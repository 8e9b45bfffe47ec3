package dev.lagwise.jdbc;

/** One host of the URL. IPv6 literals keep their brackets so the vendor URL can use them. */
record HostSpec(String host, int port) {

  @Override
  public String toString() {
    return host + ":" + port;
  }
}
