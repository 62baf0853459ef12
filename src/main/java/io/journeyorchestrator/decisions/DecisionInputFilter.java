package io.journeyorchestrator.decisions;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.DecisionSettings;
import io.journeyorchestrator.config.EventCatalog;
import java.util.Set;
import org.apache.flink.api.common.functions.FilterFunction;

/**
 * Keeps the events the decisions operator reads (sent messages, profile updates, erasure
 * requests) before their keyed exchange, so the rest of the traffic does not cross it twice.
 */
public final class DecisionInputFilter implements FilterFunction<InteractionEvent> {
  private final Set<String> types;

  public DecisionInputFilter(DecisionSettings settings) {
    this.types = Set.of(settings.sentEventType(), EventCatalog.PROFILE_UPDATE_TYPE,
        EventCatalog.ERASURE_TYPE);
  }

  @Override
  public boolean filter(InteractionEvent event) {
    return types.contains(event.getType());
  }
}
