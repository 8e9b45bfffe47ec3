package dev.lagwise.it.diff;

/**
 * What one operation observably did. {@link #compared()} is normalized and is all that the two
 * sides must agree on; {@link #detail()} (error messages, for instance) is only shown.
 */
record Outcome(String compared, String detail) {

  static Outcome of(String compared) {
    return new Outcome(compared, "");
  }

  String shown() {
    return detail.isEmpty() ? compared : compared + " {" + detail + "}";
  }
}
