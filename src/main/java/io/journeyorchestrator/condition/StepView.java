package io.journeyorchestrator.condition;

import io.journeyorchestrator.avro.InteractionEvent;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What CEL's runtime sees as {@code steps.<name>}: the fields of the last event the step took,
 * and {@code all}, every event it took in order ({@link EventStructType#STEP_DECL}). Maps for the
 * same reason as {@link EventView}.
 */
final class StepView extends AbstractMap<String, Object> {
  private final List<InteractionEvent> taken;
  private final EventView last;

  /** @param taken the step's events in order, at least one */
  StepView(List<InteractionEvent> taken) {
    this.taken = taken;
    this.last = new EventView(taken.get(taken.size() - 1));
  }

  @Override
  public Object get(Object key) {
    if (EventStructType.ALL.equals(key)) {
      List<Object> all = new ArrayList<>(taken.size());
      for (InteractionEvent event : taken) {
        all.add(new EventView(event));
      }
      return all;
    }
    return last.get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return EventStructType.STEP_FIELD_NAMES.contains(key);
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    Map<String, Object> copy = new java.util.LinkedHashMap<>();
    for (String key : EventStructType.STEP_FIELD_NAMES) {
      copy.put(key, get(key));
    }
    return copy.entrySet();
  }
}
