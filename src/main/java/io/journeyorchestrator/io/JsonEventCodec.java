package io.journeyorchestrator.io;

import io.journeyorchestrator.io.MalformedEventException.Reason;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Reads one {@link InteractionEvent} from a JSON object, as replay files and JSON-encoded topics
 * carry them. Never throws anything but {@link MalformedEventException}, whose message says which
 * field is wrong, so every bad input can become a dead letter with a readable reason.
 */
public final class JsonEventCodec {
  public static final int MAX_EVENT_BYTES = 256 * 1024;

  private static final ObjectMapper MAPPER = JsonMapper.builder().build();

  static {
    MAPPER.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
        .maxNestingDepth(16).maxStringLength(MAX_EVENT_BYTES).build());
  }

  private JsonEventCodec() {}

  public static InteractionEvent parse(String json) throws MalformedEventException {
    if (json.length() > MAX_EVENT_BYTES) {
      throw new MalformedEventException(Reason.OVERSIZED, "event is larger than " + MAX_EVENT_BYTES + " bytes");
    }
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new MalformedEventException(Reason.UNDECODABLE, "not valid JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new MalformedEventException(Reason.UNDECODABLE, "expected a JSON object with eventId, customerId,"
          + " timestamp, type, channel and attributes");
    }
    return InteractionEvent.newBuilder()
        .setEventId(requiredText(root, "eventId"))
        .setCustomerId(requiredText(root, "customerId"))
        .setTimestamp(timestamp(root.get("timestamp")))
        .setType(requiredText(root, "type"))
        .setChannel(channel(root.get("channel")))
        .setAttributes(attributes(root.get("attributes")))
        .build();
  }

  private static String requiredText(JsonNode root, String field) throws MalformedEventException {
    JsonNode value = root.get(field);
    if (value == null || value.isNull()) {
      throw new MalformedEventException(Reason.MISSING_FIELD, "missing " + field);
    }
    if (!value.isTextual()) {
      throw new MalformedEventException(Reason.BAD_FIELD, field + " must be a string, got " + value.getNodeType()
          .name().toLowerCase());
    }
    if (value.textValue().isBlank()) {
      throw new MalformedEventException(Reason.BAD_FIELD, field + " must not be empty");
    }
    return value.textValue();
  }

  private static Instant timestamp(JsonNode value) throws MalformedEventException {
    if (value == null || value.isNull()) {
      throw new MalformedEventException(Reason.MISSING_FIELD, "missing timestamp");
    }
    if (value.isIntegralNumber() && value.canConvertToLong()) {
      return Instant.ofEpochMilli(value.longValue());
    }
    if (value.isTextual()) {
      try {
        return Instant.parse(value.textValue());
      } catch (DateTimeParseException notUtc) {
        try {
          return OffsetDateTime.parse(value.textValue()).toInstant();
        } catch (DateTimeParseException e) {
          throw new MalformedEventException(Reason.BAD_FIELD, "timestamp '" + value.textValue()
              + "' is neither epoch milliseconds nor an ISO-8601 instant such as"
              + " 2026-01-31T12:00:00Z");
        }
      }
    }
    throw new MalformedEventException(Reason.BAD_FIELD, 
        "timestamp must be epoch milliseconds or an ISO-8601 instant, got " + value);
  }

  private static Channel channel(JsonNode value) throws MalformedEventException {
    if (value == null || value.isNull()) {
      return Channel.OTHER;
    }
    if (!value.isTextual()) {
      throw new MalformedEventException(Reason.BAD_FIELD, "channel must be a string such as WEB or CALL_CENTER");
    }
    try {
      return Channel.valueOf(value.textValue());
    } catch (IllegalArgumentException unknownSymbol) {
      // Same rule as Avro's enum default: channels added by newer producers read as OTHER.
      return Channel.OTHER;
    }
  }

  private static Map<String, Object> attributes(JsonNode value) throws MalformedEventException {
    Map<String, Object> attributes = new HashMap<>();
    if (value == null || value.isNull()) {
      return attributes;
    }
    if (!value.isObject()) {
      throw new MalformedEventException(Reason.BAD_FIELD, "attributes must be a JSON object of plain values");
    }
    Iterator<Map.Entry<String, JsonNode>> fields = value.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode v = field.getValue();
      Object converted;
      if (v.isNull()) {
        converted = null;
      } else if (v.isBoolean()) {
        converted = v.booleanValue();
      } else if (v.isIntegralNumber() && v.canConvertToLong()) {
        converted = v.longValue();
      } else if (v.isNumber()) {
        converted = v.doubleValue();
      } else if (v.isTextual()) {
        converted = v.textValue();
      } else {
        throw new MalformedEventException(Reason.BAD_FIELD, "attribute '" + field.getKey()
            + "' must be a string, number, boolean or null, not a nested "
            + v.getNodeType().name().toLowerCase());
      }
      attributes.put(field.getKey(), converted);
    }
    return attributes;
  }
}
