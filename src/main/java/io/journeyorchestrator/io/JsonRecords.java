package io.journeyorchestrator.io;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificRecord;

/**
 * Renders the job's Avro records as one-line JSON with the schema's field names: times as epoch
 * milliseconds, enums as strings, maps with sorted keys, bytes as UTF-8 text when they are text
 * (else base64), so the same record always prints the same line.
 */
public final class JsonRecords {
  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
      .build();

  private JsonRecords() {}

  public static String toJson(SpecificRecord record) {
    try {
      return MAPPER.writeValueAsString(toMap(record));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("plain maps always serialize", e);
    }
  }

  /** The text as a JSON string literal, quotes and escapes included. */
  public static String quote(String text) {
    try {
      return MAPPER.writeValueAsString(text);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("strings always serialize", e);
    }
  }

  public static Map<String, Object> toMap(SpecificRecord record) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (Schema.Field field : record.getSchema().getFields()) {
      map.put(field.name(), plain(record.get(field.pos())));
    }
    return map;
  }

  private static Object plain(Object value) {
    if (value instanceof Instant instant) {
      return instant.toEpochMilli();
    }
    if (value instanceof Enum<?> symbol) {
      return symbol.name();
    }
    if (value instanceof CharSequence text) {
      return text.toString();
    }
    if (value instanceof ByteBuffer bytes) {
      return bytesAsText(bytes);
    }
    if (value instanceof SpecificRecord nested) {
      return toMap(nested);
    }
    if (value instanceof List<?> list) {
      List<Object> plainList = new ArrayList<>(list.size());
      list.forEach(item -> plainList.add(plain(item)));
      return plainList;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> sorted = new TreeMap<>();
      map.forEach((k, v) -> sorted.put(k.toString(), plain(v)));
      return sorted;
    }
    return value;
  }

  private static String bytesAsText(ByteBuffer bytes) {
    ByteBuffer copy = bytes.duplicate();
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(copy).toString();
    } catch (CharacterCodingException notText) {
      byte[] raw = new byte[bytes.remaining()];
      bytes.duplicate().get(raw);
      return "base64:" + Base64.getEncoder().encodeToString(raw);
    }
  }
}
