package io.journeyorchestrator.condition;

import dev.cel.common.values.NullValue;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * A read-only view of an attribute or profile map whose values CEL can use, converted on access
 * instead of copied per evaluation.
 *
 * <p>The conversion that matters is null: cel-java 0.14.0 treats a Java {@code null} map value as
 * an unknown and returns an unknown set instead of a result, so a present-but-null value is handed
 * over as CEL {@code null}. A key that is absent stays absent, so reading it is a CEL error and
 * {@code has()} is false. Keys are expected to be {@code String} (Avro's {@code stringType=String}
 * guarantees it for events).
 */
final class CelValueMap extends AbstractMap<String, Object> {

  private final Map<String, Object> values;

  CelValueMap(Map<String, Object> values) {
    this.values = values;
  }

  @Override
  public Object get(Object key) {
    Object value = values.get(key);
    if (value == null) {
      return values.containsKey(key) ? NullValue.NULL_VALUE : null;
    }
    return toCelValue(value);
  }

  @Override
  public boolean containsKey(Object key) {
    return values.containsKey(key);
  }

  @Override
  public int size() {
    return values.size();
  }

  @Override
  public Set<Entry<String, Object>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, Object>> iterator() {
        Iterator<Entry<String, Object>> raw = values.entrySet().iterator();
        return new Iterator<>() {
          @Override
          public boolean hasNext() {
            return raw.hasNext();
          }

          @Override
          public Entry<String, Object> next() {
            Entry<String, Object> entry = raw.next();
            Object value = entry.getValue();
            return new SimpleImmutableEntry<>(
                entry.getKey(), value == null ? NullValue.NULL_VALUE : toCelValue(value));
          }
        };
      }

      @Override
      public int size() {
        return values.size();
      }
    };
  }

  /**
   * CEL's runtime knows Long, Double, Boolean and String; narrower numbers and Avro's Utf8 can
   * appear when a map was built by hand or read generically, so they are widened here.
   */
  static Object toCelValue(Object value) {
    if (value instanceof String
        || value instanceof Long
        || value instanceof Double
        || value instanceof Boolean) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof CharSequence) {
      return value.toString();
    }
    return value;
  }
}
