package io.journeyorchestrator.suppression;

import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.Membership;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Whether a suppression policy holds a customer, given the customer's memberships: it does while
 * the customer is in any of the policy's audiences, until the latest of their expiries if all of
 * them expire, else until an exit.
 *
 * @param audiences the policy's audiences holding the customer, in the policy's order
 * @param until the latest expiry among them if all expire, else null
 */
public record PolicyHold(List<String> audiences, Long until) {
  public PolicyHold {
    audiences = List.copyOf(audiences);
  }

  /** @param memberships by audience id */
  public static Optional<PolicyHold> of(SuppressionDefinition policy,
      Map<String, Membership> memberships) {
    List<String> holding = new ArrayList<>();
    boolean allExpire = true;
    long latestExpiry = Long.MIN_VALUE;
    for (String audienceId : policy.whileAudiences()) {
      Membership membership = memberships.get(audienceId);
      if (membership != null) {
        holding.add(audienceId);
        if (membership.getExpiresAt() == null) {
          allExpire = false;
        } else {
          latestExpiry = Math.max(latestExpiry, membership.getExpiresAt());
        }
      }
    }
    if (holding.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new PolicyHold(holding, allExpire ? latestExpiry : null));
  }
}
