package io.journeyorchestrator.customerstate;

import io.journeyorchestrator.avro.ChannelAction;
import io.journeyorchestrator.avro.ChannelDecision;
import io.journeyorchestrator.avro.CurrentAction;
import io.journeyorchestrator.avro.NextBestAction;
import java.util.Comparator;
import java.util.List;

/** What a touchpoint that asks needs of a next best action: the action each channel takes. */
public final class CurrentActions {
  private CurrentActions() {}

  /** Null when no channel is to do anything (held back, held out, or nothing eligible). */
  public static CurrentAction of(NextBestAction decision) {
    List<ChannelAction> actions = decision.getChannels().stream()
        .filter(channel -> channel.getActionId() != null)
        .sorted(Comparator.comparing(ChannelDecision::getChannel))
        .map(channel -> new ChannelAction(channel.getChannel(), channel.getActionId()))
        .toList();
    return actions.isEmpty() ? null : new CurrentAction(decision.getDecisionId(),
        decision.getEventTime(), actions, decision.getSendAfter());
  }
}
