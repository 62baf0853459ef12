package io.journeyorchestrator.condition;

import com.google.common.collect.ImmutableList;
import dev.cel.common.values.NullValue;
import io.journeyorchestrator.avro.InteractionEvent;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * What CEL's runtime sees as {@code event}: the fields of {@link EventStructType} read straight from
 * the Avro record on access, with no copy and no JSON round trip. The channel is its enum symbol name
 * and the timestamp a {@link java.time.Instant}, which cel-java evaluates as a CEL timestamp.
 */
final class EventView extends AbstractMap<String, Object> {

  private static final ImmutableList<String> KEYS = EventStructType.FIELD_NAMES.asList();

  private final InteractionEvent event;

  EventView(InteractionEvent event) {
    this.event = event;
  }

  @Override
  public Object get(Object key) {
    if (!(key instanceof String)) {
      return null;
    }
    switch ((String) key) {
      case EventStructType.TYPE:
        return orNull(event.getType());
      case EventStructType.CHANNEL:
        return event.getChannel() == null ? NullValue.NULL_VALUE : event.getChannel().name();
      case EventStructType.ATTRIBUTES:
        Map<String, Object> attributes = event.getAttributes();
        return new CelValueMap(attributes == null ? Map.of() : attributes);
      case EventStructType.TIMESTAMP:
        return orNull(event.getTimestamp());
      case EventStructType.CUSTOMER_ID:
        return orNull(event.getCustomerId());
      case EventStructType.EVENT_ID:
        return orNull(event.getEventId());
      default:
        return null;
    }
  }

  @Override
  public boolean containsKey(Object key) {
    return EventStructType.FIELD_NAMES.contains(key);
  }

  @Override
  public int size() {
    return KEYS.size();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        Iterator<String> keys = KEYS.iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return keys.hasNext();
          }

          @Override
          public Entry<String, Object> next() {
            String key = keys.next();
            return new SimpleImmutableEntry<>(key, get(key));
          }
        };
      }

      @Override
      public int size() {
        return KEYS.size();
      }
    };
  }

  /** The schema makes these fields non-null; a hand-built record may not, and CEL must not see Java null. */
  private static Object orNull(Object value) {
    return value == null ? NullValue.NULL_VALUE : value;
  }
}
