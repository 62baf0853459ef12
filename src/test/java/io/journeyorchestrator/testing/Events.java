package io.journeyorchestrator.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;

/** Named instants and event lines (replay JSON) for tests that read like journeys. */
public final class Events {
  public static final Instant BEGINNING = Instant.parse("2026-03-02T09:00:00Z");

  private Events() {}

  public static Instant at(Duration sinceBeginning) {
    return BEGINNING.plus(sinceBeginning);
  }

  public static Instant minutes(long minutes) {
    return at(Duration.ofMinutes(minutes));
  }

  public static String event(String eventId, String customerId, Instant time, String type,
      String channel) {
    return event(eventId, customerId, time, type, channel, Map.of());
  }

  public static String event(String eventId, String customerId, Instant time, String type,
      String channel, Map<String, Object> attributes) {
    String attributesJson = attributes.entrySet().stream()
        .map(e -> "\"" + e.getKey() + "\":" + jsonValue(e.getValue()))
        .collect(Collectors.joining(",", "{", "}"));
    return "{\"eventId\":\"" + eventId + "\",\"customerId\":\"" + customerId
        + "\",\"timestamp\":" + time.toEpochMilli() + ",\"type\":\"" + type
        + "\",\"channel\":\"" + channel + "\",\"attributes\":" + attributesJson + "}";
  }

  private static String jsonValue(Object value) {
    if (value == null) return "null";
    if (value instanceof String s) return "\"" + s + "\"";
    return value.toString();
  }
}
