package io.journeyorchestrator.audience;

import io.journeyorchestrator.config.AudienceDefinition.Composition;
import io.journeyorchestrator.internal.avro.Membership;

/** Whether a composed audience holds over a customer's memberships, and until when it will. */
final class AudienceComposition {
  private AudienceComposition() {}

  static boolean holds(Composition composition, CustomerAudiences audiences) {
    for (String part : composition.all()) {
      if (audiences.membership(part) == null) {
        return false;
      }
    }
    for (String part : composition.none()) {
      if (audiences.membership(part) != null) {
        return false;
      }
    }
    return composition.any().isEmpty()
        || composition.any().stream().anyMatch(part -> audiences.membership(part) != null);
  }

  /**
   * When a composition that holds stops holding if nothing happens but its parts' expiries: the
   * first expiry among {@code all}, or the last among the members of {@code any}; null when no
   * expiry ends it (a part without one, or only an event can end it, e.g. entering a
   * {@code none}).
   */
  static Long holdsUntil(Composition composition, CustomerAudiences audiences) {
    long until = Long.MAX_VALUE;
    for (String part : composition.all()) {
      Long expiresAt = audiences.membership(part).getExpiresAt();
      if (expiresAt != null) {
        until = Math.min(until, expiresAt);
      }
    }
    if (!composition.any().isEmpty()) {
      long lastOfAny = Long.MIN_VALUE;
      for (String part : composition.any()) {
        Membership membership = audiences.membership(part);
        if (membership != null) {
          lastOfAny = Math.max(lastOfAny, membership.getExpiresAt() == null
              ? Long.MAX_VALUE : membership.getExpiresAt());
        }
      }
      until = Math.min(until, lastOfAny);
    }
    return until == Long.MAX_VALUE ? null : until;
  }
}
