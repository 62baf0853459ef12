package io.journeyorchestrator.decisions;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Who is in a holdout (control) group: a customer is held out when a hash of their id and the
 * job's salt falls in the lowest {@code percent} of 10,000 buckets. The hash is SHA-256, not
 * {@code String.hashCode} or a seeded random, so the group depends on nothing but id and salt: the
 * same across runs, restarts, redeploys and JVMs, and drawn anew only when the salt changes.
 */
public final class HoldoutGroup {
  static final int BUCKETS = 10_000;

  private final String salt;

  public HoldoutGroup(String salt) {
    this.salt = salt;
  }

  /** True when {@code customerId} is in the holdout of {@code percent} (0 to 50) customers. */
  public boolean holdsOut(String customerId, double percent) {
    return bucket(customerId) < Math.round(percent * BUCKETS / 100.0);
  }

  /** 0 to {@link #BUCKETS} - 1; the separator keeps ("ab", "c") and ("a", "bc") apart. */
  int bucket(String customerId) {
    byte[] hash = sha256(customerId + '\u0000' + salt);
    long first = 0;
    for (int i = 0; i < 8; i++) {
      first = (first << 8) | (hash[i] & 0xff);
    }
    return (int) Long.remainderUnsigned(first, BUCKETS);
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
