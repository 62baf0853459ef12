package io.journeyorchestrator.audience;

import io.journeyorchestrator.internal.avro.AudienceState;
import io.journeyorchestrator.internal.avro.Membership;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One customer's memberships and cooldowns while a timer applies: read once from the stored
 * value, written back once if anything changed. Entries of audiences no longer in the job are
 * dropped as the value is read, without output.
 */
final class CustomerAudiences {
  private final Map<String, Membership> memberships;
  private final Map<String, Long> cooldowns;
  private boolean changed;

  private CustomerAudiences(Map<String, Membership> memberships, Map<String, Long> cooldowns) {
    this.memberships = memberships;
    this.cooldowns = cooldowns;
  }

  static CustomerAudiences of(AudienceState stored, AudienceRules rules) {
    if (stored == null) {
      return new CustomerAudiences(new HashMap<>(), new HashMap<>());
    }
    CustomerAudiences audiences = new CustomerAudiences(new HashMap<>(stored.getMemberships()),
        new HashMap<>(stored.getCooldowns()));
    audiences.changed =
        audiences.memberships.keySet().removeIf(id -> rules.audience(id).isEmpty())
            | audiences.cooldowns.keySet().removeIf(id -> rules.audience(id).isEmpty());
    return audiences;
  }

  /** The audiences the customer is in now, for conditions that read {@code audiences}. */
  List<String> memberIds() {
    return List.copyOf(memberships.keySet());
  }

  Membership membership(String audienceId) {
    return memberships.get(audienceId);
  }

  void putMembership(String audienceId, Membership membership) {
    memberships.put(audienceId, membership);
    changed = true;
  }

  void removeMembership(String audienceId) {
    changed |= memberships.remove(audienceId) != null;
  }

  Long cooldownUntil(String audienceId) {
    return cooldowns.get(audienceId);
  }

  void putCooldown(String audienceId, long until) {
    cooldowns.put(audienceId, until);
    changed = true;
  }

  void removeCooldown(String audienceId) {
    changed |= cooldowns.remove(audienceId) != null;
  }

  /** Forgets everything (an erasure request). */
  void clear() {
    changed |= !memberships.isEmpty() || !cooldowns.isEmpty();
    memberships.clear();
    cooldowns.clear();
  }

  boolean changed() {
    return changed;
  }

  /** The value to store: null when the customer holds nothing. */
  AudienceState toRecord() {
    return memberships.isEmpty() && cooldowns.isEmpty()
        ? null
        : new AudienceState(memberships, cooldowns);
  }
}
