package io.journeyorchestrator.customerstate;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** What readers of the current-state topic need to know about a {@link CustomerState}. */
public final class CustomerStates {
  private CustomerStates() {}

  /**
   * Whether the customer holds nothing (no membership, nothing for a channel to do): such a
   * state is written as a tombstone.
   */
  public static boolean holdsNothing(CustomerState state) {
    return state.getMemberships().isEmpty() && state.getNextBestAction() == null;
  }

  /**
   * The state as of {@code now}: memberships whose expiry has passed are left out, and so are
   * suppressions no longer held by any of their audiences, even before the records that end them
   * arrive (the job writes them once its watermark passes the expiry, a little later).
   */
  public static CustomerState asOf(CustomerState state, Instant now) {
    List<CurrentMembership> memberships = state.getMemberships().stream()
        .filter(m -> m.getExpiresAt() == null || m.getExpiresAt().isAfter(now))
        .toList();
    if (memberships.size() == state.getMemberships().size()) {
      return state;
    }
    Set<String> held = memberships.stream().map(CurrentMembership::getAudienceId)
        .collect(Collectors.toSet());
    List<ActiveSuppression> suppressions = new ArrayList<>();
    for (ActiveSuppression suppression : state.getSuppressions()) {
      List<String> holding = suppression.getAudiences().stream().filter(held::contains).toList();
      if (!holding.isEmpty()) {
        suppressions.add(ActiveSuppression.newBuilder(suppression).setAudiences(holding).build());
      }
    }
    return CustomerState.newBuilder(state)
        .setMemberships(memberships)
        .setSuppressions(suppressions)
        .build();
  }
}
