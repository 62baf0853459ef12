package io.journeyorchestrator.decisions;

import io.journeyorchestrator.avro.BlockedAction;
import io.journeyorchestrator.avro.ChannelDecision;
import io.journeyorchestrator.avro.NextBestAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** The published record of a decision, with its deterministic id. */
public final class NextBestActions {
  private NextBestActions() {}

  /**
   * @param answer the decision's canonical text: with the customer and the instant it makes the
   *     id, so a replay or a restart gives the same ids and a consumer drops repeats by id
   * @param sendAfter null when there are no quiet hours or nothing to send
   */
  public static NextBestAction of(String customerId, Instant eventTime, Decision decision,
      String answer, Instant sendAfter) {
    List<ChannelDecision> channels = new ArrayList<>();
    for (Map.Entry<String, Decision.ChannelChoice> channel : decision.channels().entrySet()) {
      List<BlockedAction> blocked = channel.getValue().blocked().stream()
          .map(b -> new BlockedAction(b.actionId(), b.reason(), b.freesAt())).toList();
      channels.add(new ChannelDecision(channel.getKey(), channel.getValue().actionId(),
          blocked));
    }
    String identity = customerId + "|" + eventTime.toEpochMilli() + "|" + answer;
    return NextBestAction.newBuilder()
        .setDecisionId(UUID.nameUUIDFromBytes(identity.getBytes(StandardCharsets.UTF_8))
            .toString())
        .setCustomerId(customerId)
        .setEventTime(eventTime)
        .setChannels(channels)
        .setHoldout(decision.holdout())
        .setSendAfter(sendAfter)
        .build();
  }
}
