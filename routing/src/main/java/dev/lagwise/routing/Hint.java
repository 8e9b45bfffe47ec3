package dev.lagwise.routing;

/**
 * A routing hint from a block comment whose text is {@code lagwise:primary} or {@code
 * lagwise:replica} (case-insensitive, surrounding blanks ignored). Only comments before the first
 * token count; when both appear, {@link #PRIMARY} wins.
 */
public enum Hint {
  NONE,
  PRIMARY,
  REPLICA
}
