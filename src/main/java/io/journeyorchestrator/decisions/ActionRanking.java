package io.journeyorchestrator.decisions;

import io.journeyorchestrator.config.ActionDefinition;
import io.journeyorchestrator.config.ActionDefinition.Cap;
import io.journeyorchestrator.config.DecisionSettings;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.decisions.Decision.Blocked;
import io.journeyorchestrator.decisions.Decision.ChannelChoice;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Decides, for one customer at one instant, each channel's next best action: among the actions
 * eligible (in every audience of eligibleWhile, and eligibleWhen and the score evaluated by the
 * caller), the highest priority that no active suppression, cap or holdout blocks; ties go to the
 * smaller id so the answer never depends on file order. Blocked eligible actions are listed with
 * the first reason that applies, in this order: holdout, suppression, cap (for caps the one that
 * frees last, since the action is blocked until then). Every channel an action is defined for is
 * in the answer, empty or not, so a consumer's previous answer for it is replaced.
 */
public final class ActionRanking {
  private final List<ActionDefinition> actions;
  private final DecisionSettings settings;

  public ActionRanking(List<ActionDefinition> actions, DecisionSettings settings) {
    this.actions = List.copyOf(actions);
    this.settings = settings;
  }

  /**
   * @param audiences the customer's audiences now
   * @param holds the suppression policies holding the customer now
   * @param priorityOf an action's priority for this customer, empty when its eligibleWhen does
   *     not hold (or cannot be evaluated)
   * @param holdout whether the customer is in the job's holdout group
   * @param heldOutOf whether the customer is in an action's own holdout group
   * @param sends the customer's counted sends, oldest first
   */
  public Decision decide(Set<String> audiences, List<SuppressionDefinition> holds,
      Function<ActionDefinition, Optional<Double>> priorityOf, boolean holdout,
      Function<ActionDefinition, Boolean> heldOutOf, List<Send> sends, Instant now) {
    Map<String, List<Ranked>> byChannel = new TreeMap<>();
    for (ActionDefinition action : actions) {
      List<Ranked> ranked = byChannel.computeIfAbsent(action.channel(), c -> new ArrayList<>());
      if (!audiences.containsAll(action.eligibleWhile())) {
        continue;
      }
      priorityOf.apply(action).ifPresent(p -> ranked.add(new Ranked(action, p)));
    }
    Map<String, ChannelChoice> channels = new LinkedHashMap<>();
    for (Map.Entry<String, List<Ranked>> channel : byChannel.entrySet()) {
      List<Ranked> eligible = channel.getValue();
      eligible.sort(Comparator.comparingDouble(Ranked::priority).reversed()
          .thenComparing(r -> r.action().id()));
      String chosen = null;
      List<Blocked> blocked = new ArrayList<>();
      for (Ranked r : eligible) {
        Optional<Blocked> block = blocker(r.action(), holds, holdout, heldOutOf, sends, now);
        if (block.isPresent()) {
          blocked.add(block.get());
        } else if (chosen == null) {
          chosen = r.action().id();
        }
      }
      channels.put(channel.getKey(), new ChannelChoice(chosen, blocked));
    }
    return Decision.of(channels, holdout);
  }

  private Optional<Blocked> blocker(ActionDefinition action, List<SuppressionDefinition> holds,
      boolean holdout, Function<ActionDefinition, Boolean> heldOutOf, List<Send> sends,
      Instant now) {
    if (holdout || heldOutOf.apply(action)) {
      return Optional.of(new Blocked(action.id(), "holdout", null));
    }
    for (SuppressionDefinition hold : holds) {
      if ((hold.channels().isEmpty() || hold.channels().contains(action.channel()))
          && (hold.categories().isEmpty() || hold.categories().contains(action.category()))) {
        return Optional.of(new Blocked(action.id(), "suppressed:" + hold.id(), null));
      }
    }
    String capName = null;
    Instant freesAt = null;
    List<NamedCap> caps = capsOf(action);
    for (NamedCap cap : caps) {
      List<Instant> counted = sends.stream().filter(cap.counts()::apply).map(Send::at).toList();
      Optional<Instant> until = RollingCap.blockedUntil(cap.cap(), counted, now);
      if (until.isPresent() && (freesAt == null || until.get().isAfter(freesAt))) {
        capName = cap.name();
        freesAt = until.get();
      }
    }
    return capName == null ? Optional.empty()
        : Optional.of(new Blocked(action.id(), "capped:" + capName, freesAt));
  }

  /** The action's own caps, then its channel's and its category's from job.yaml. */
  private List<NamedCap> capsOf(ActionDefinition action) {
    List<NamedCap> caps = new ArrayList<>();
    for (int i = 0; i < action.caps().size(); i++) {
      caps.add(new NamedCap("action:" + action.id() + (action.caps().size() > 1 ? "#" + (i + 1)
          : ""), action.caps().get(i), s -> action.id().equals(s.actionId())));
    }
    Cap channelCap = settings.channelCaps().get(action.channel());
    if (channelCap != null) {
      caps.add(new NamedCap("channel:" + action.channel(), channelCap,
          s -> action.channel().equals(s.channel())));
    }
    Cap categoryCap = settings.categoryCaps().get(action.category());
    if (categoryCap != null) {
      caps.add(new NamedCap("category:" + action.category(), categoryCap,
          s -> action.category().equals(s.category())));
    }
    return caps;
  }

  private record Ranked(ActionDefinition action, double priority) {}

  private record NamedCap(String name, Cap cap, Function<Send, Boolean> counts) {}
}
