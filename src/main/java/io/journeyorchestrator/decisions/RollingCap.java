package io.journeyorchestrator.decisions;

import io.journeyorchestrator.config.ActionDefinition.Cap;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A frequency cap over an exact rolling event-time window: a send at {@code s} counts at every
 * instant {@code t} with {@code s <= t < s + per}. The cap blocks while at least {@code max} sends
 * count, and frees at the instant enough of the oldest counted sends have left the window for
 * fewer than {@code max} to remain; that instant is where the operator sets its timer.
 */
public final class RollingCap {
  private RollingCap() {}

  /**
   * When the cap blocks at {@code now}, the instant it frees up; empty when it does not block.
   *
   * @param sends the send instants that matter to this cap, oldest first
   */
  public static Optional<Instant> blockedUntil(Cap cap, List<Instant> sends, Instant now) {
    Instant windowStart = now.minus(cap.per());
    int firstCounted = 0;
    while (firstCounted < sends.size() && !sends.get(firstCounted).isAfter(windowStart)) {
      firstCounted++;
    }
    int counted = 0;
    for (int i = firstCounted; i < sends.size() && !sends.get(i).isAfter(now); i++) {
      counted++;
    }
    if (counted < cap.max()) {
      return Optional.empty();
    }
    // Of the counted sends, once the (counted - max + 1) oldest have left, max - 1 remain.
    Instant freeing = sends.get(firstCounted + counted - cap.max());
    return Optional.of(freeing.plus(cap.per()));
  }
}
