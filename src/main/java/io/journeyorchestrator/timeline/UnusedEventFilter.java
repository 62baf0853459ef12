package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.matching.CompiledPattern;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFilterFunction;
import org.apache.flink.metrics.Counter;

/**
 * Drops, before the keyed exchange, events whose type nothing in the job can use: no pattern step
 * pins it, and it is neither a profile update nor an erasure request. Such an event would only
 * cost a trip through the customer timeline's state. Counted in {@code unusedEventsDropped}. Jobs
 * with a pattern that can use any event (a step that does not pin the type, or strict
 * contiguity, which every event can break) keep everything, and get no filter at all.
 *
 * <p>Dropped events take no part in dedup or lateness either: a late event of an unused type is
 * not reported as late. They still move event time, which is assigned before this filter.
 */
public final class UnusedEventFilter extends RichFilterFunction<InteractionEvent> {
  private final Set<String> usedTypes;
  private transient Counter dropped;
  private transient LongCounter droppedInRun;

  private UnusedEventFilter(Set<String> usedTypes) {
    this.usedTypes = Set.copyOf(usedTypes);
  }

  /** The filter for these patterns, or empty when every event type can matter. */
  public static Optional<UnusedEventFilter> forPatterns(List<CompiledPattern> patterns) {
    Set<String> used = new HashSet<>(
        Set.of(CustomerTimeline.PROFILE_UPDATE_TYPE, CustomerTimeline.ERASURE_TYPE));
    for (CompiledPattern pattern : patterns) {
      Optional<Set<String>> types = pattern.routedEventTypes();
      if (types.isEmpty()) {
        return Optional.empty();
      }
      used.addAll(types.get());
    }
    return Optional.of(new UnusedEventFilter(used));
  }

  Set<String> usedTypes() {
    return usedTypes;
  }

  @Override
  public void open(OpenContext openContext) {
    dropped = getRuntimeContext().getMetricGroup().counter(RunDiagnostics.UNUSED_EVENTS_DROPPED);
    droppedInRun = getRuntimeContext().getLongCounter(RunDiagnostics.UNUSED_EVENTS_DROPPED);
  }

  @Override
  public boolean filter(InteractionEvent event) {
    if (usedTypes.contains(event.getType())) {
      return true;
    }
    dropped.inc();
    droppedInRun.add(1);
    return false;
  }
}
