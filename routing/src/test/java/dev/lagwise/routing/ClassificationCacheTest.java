package dev.lagwise.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The classifier's memory is bounded in bytes by its own accounting, whatever the SQL. */
class ClassificationCacheTest {

  private static String statement(int i, int length) {
    String head = "SELECT " + i + " FROM t WHERE a = '";
    return head + "x".repeat(length - head.length() - 1) + "'";
  }

  @Test
  void hugeStatementsAreClassifiedButNotRetained() {
    SqlClassifier c = SqlClassifier.forDialect("postgresql");
    for (int i = 0; i < 200; i++) {
      String sql = statement(i, 100_000);
      assertThat(c.classify(sql).isReplicaSafe()).isTrue();
    }
    assertThat(c.cacheSize()).isZero();
    assertThat(c.retainedBytes()).isZero();
  }

  @Test
  void retainedBytesStayWithinTheBudgetAndMatchTheEntries() {
    SqlClassifier c = SqlClassifier.forDialect("postgresql");
    int length = ClassificationCache.MAX_CACHED_LENGTH;
    long one = ClassificationCache.cost(statement(0, length), c.classify(statement(0, length)));
    for (int i = 1; i < 5_000; i++) {
      c.classify(statement(i, length));
      assertThat(c.cache().cacheBytes()).isLessThanOrEqualTo(ClassificationCache.MAX_BYTES);
    }
    // 4 MiB of 8 KiB statements: the byte bound, not the entry bound, is what holds.
    assertThat(c.cacheSize()).isLessThan(ClassificationCache.MAX_ENTRIES);
    assertThat(c.cacheSize()).isEqualTo((int) (ClassificationCache.MAX_BYTES / one));
    assertThat(c.cache().cacheBytes()).isEqualTo(c.cacheSize() * one);
    // Still a working cache: a hit returns the retained instance.
    String last = statement(4_999, length);
    assertThat(c.classify(new String(last.toCharArray()))).isSameAs(c.classify(last));
  }

  @Test
  void smallStatementsAreBoundByEntries() {
    SqlClassifier c = SqlClassifier.forDialect("mysql");
    for (int i = 0; i < ClassificationCache.MAX_ENTRIES * 3; i++) {
      c.classify("SELECT " + i);
    }
    assertThat(c.cacheSize()).isEqualTo(ClassificationCache.MAX_ENTRIES);
    assertThat(c.cache().cacheBytes()).isLessThanOrEqualTo(ClassificationCache.MAX_BYTES);
  }

  @Test
  void rejectedHugeStatementsAreRememberedInBoundedBytes() {
    SqlClassifier c = SqlClassifier.forDialect("postgresql");
    String first = statement(0, 100_000);
    c.markPrimaryOnly(first);
    for (int i = 1; i < ClassificationCache.MAX_PRIMARY_ONLY + 500; i++) {
      c.markPrimaryOnly(statement(i, 100_000));
      assertThat(c.cache().primaryOnlyBytes())
          .isLessThanOrEqualTo(
              (long) ClassificationCache.MAX_PRIMARY_ONLY
                  * ClassificationCache.PRIMARY_ONLY_ENTRY_BYTES);
    }
    // 4596 rejected 100 KB statements (460 MB of text) retained as 256 KiB of fingerprints.
    assertThat(c.retainedBytes()).isEqualTo(256L << 10);
    String recent = statement(ClassificationCache.MAX_PRIMARY_ONLY + 499, 100_000);
    assertThat(c.classify(new String(recent.toCharArray())).kind()).isEqualTo(StatementKind.WRITE);
    assertThat(c.classify(recent).reason()).isEqualTo("replica rejected: read-only transaction");
    assertThat(c.cacheSize()).isZero();
  }

  @Test
  void aRejectedShortStatementOutlivesItsCacheEntry() {
    SqlClassifier c = SqlClassifier.forDialect("postgresql");
    c.markPrimaryOnly("SELECT f_writes()");
    for (int i = 0; i < 3_000; i++) {
      c.classify(statement(i, 2_000));
    }
    assertThat(c.classify("SELECT f_writes()").kind()).isEqualTo(StatementKind.WRITE);
  }

  @Test
  void fingerprintsDifferForNearTexts() {
    assertThat(ClassificationCache.fingerprint("SELECT 1"))
        .isNotEqualTo(ClassificationCache.fingerprint("SELECT 2"));
    assertThat(ClassificationCache.fingerprint("Aa"))
        .isNotEqualTo(ClassificationCache.fingerprint("BB"));
  }
}
