package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import com.networknt.schema.Error;
import io.journeyorchestrator.avro.Channel;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The JSON Schemas editors validate job folders with (schemas/jobs/) and the loader agree: every
 * mapping the loader reads lists in its schema exactly the keys the loader accepts, no more and
 * no fewer, and refuses others; and the demo job's files name their schema.
 */
class EditorSchemasTest {
  private static final Path SCHEMAS = Path.of("schemas/jobs");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Schema file and JSON pointer of each mapping, with the keys the loader accepts there. */
  private static Map<String, List<String>> mappings() {
    Map<String, List<String>> mappings = new LinkedHashMap<>();
    mappings.put("job.schema.json#", JobLoader.JOB_KEYS);
    mappings.put("job.schema.json#/properties/kafka", JobLoader.KAFKA_KEYS);
    mappings.put("job.schema.json#/properties/kafka/properties/topics", JobLoader.TOPIC_KEYS);
    mappings.put("job.schema.json#/properties/time", JobLoader.TIME_KEYS);
    mappings.put("job.schema.json#/properties/input", JobLoader.INPUT_KEYS);
    mappings.put("job.schema.json#/properties/input/properties/schemaRegistry",
        JobLoader.SCHEMA_REGISTRY_KEYS);
    mappings.put(
        "job.schema.json#/properties/input/properties/schemaRegistry/properties/basicAuth",
        JobLoader.BASIC_AUTH_KEYS);
    mappings.put("job.schema.json#/properties/dedup", JobLoader.DEDUP_KEYS);
    mappings.put("job.schema.json#/properties/decisions", JobLoader.DECISIONS_KEYS);
    mappings.put("job.schema.json#/properties/decisions/properties/caps",
        JobLoader.GLOBAL_CAPS_KEYS);
    for (String caps : List.of("channels", "categories")) {
      mappings.put("job.schema.json#/properties/decisions/properties/caps/properties/" + caps
          + "/additionalProperties", JobLoader.CAP_KEYS);
    }
    mappings.put("job.schema.json#/properties/decisions/properties/quietHours",
        JobLoader.QUIET_HOURS_KEYS);
    mappings.put("job.schema.json#/properties/decisions/properties/holdout",
        JobLoader.HOLDOUT_KEYS);
    mappings.put("action.schema.json#", JobLoader.ACTION_KEYS);
    mappings.put("action.schema.json#/properties/caps/items", JobLoader.CAP_KEYS);
    mappings.put("pattern.schema.json#", JobLoader.PATTERN_KEYS);
    mappings.put("pattern.schema.json#/properties/steps/items/oneOf/0", JobLoader.STEP_KEYS);
    mappings.put("pattern.schema.json#/properties/steps/items/oneOf/1", JobLoader.GROUP_KEYS);
    mappings.put("pattern.schema.json#/properties/steps/items/oneOf/1/properties/anyOrder/items",
        JobLoader.GROUP_MEMBER_KEYS);
    mappings.put("audience.schema.json#", JobLoader.AUDIENCE_KEYS);
    mappings.put("audience.schema.json#/properties/outcomes", JobLoader.OUTCOMES_KEYS);
    mappings.put("audience.schema.json#/properties/while", JobLoader.COMPOSITION_KEYS);
    mappings.put("suppression.schema.json#", JobLoader.SUPPRESSION_KEYS);
    mappings.put("events.schema.json#", EventCatalogLoader.CATALOG_KEYS);
    mappings.put("events.schema.json#/properties/events/additionalProperties",
        EventCatalogLoader.EVENT_TYPE_KEYS);
    mappings.put("events.schema.json#/properties/events/additionalProperties/properties"
        + "/attributes/additionalProperties/oneOf/1", EventCatalogLoader.ATTRIBUTE_KEYS);
    mappings.put("events.schema.json#/properties/profile/additionalProperties/oneOf/1",
        EventCatalogLoader.PROFILE_FACT_KEYS);
    return mappings;
  }

  @Test
  void shouldListInEachSchemaExactlyTheKeysTheLoaderAccepts() throws IOException {
    for (Map.Entry<String, List<String>> mapping : mappings().entrySet()) {
      JsonNode object = at(mapping.getKey());
      assertThat(fieldNames(object.path("properties"))).as(mapping.getKey())
          .containsExactlyInAnyOrderElementsOf(mapping.getValue());
      assertThat(object.path("additionalProperties").isBoolean()
          && !object.path("additionalProperties").asBoolean())
          .as(mapping.getKey() + " refuses other keys, as the loader does").isTrue();
    }
  }

  @Test
  void shouldHaveNoMappingTheLoaderDoesNotRead() throws IOException {
    Set<String> schemaMappings = new HashSet<>();
    try (Stream<Path> files = Files.list(SCHEMAS)) {
      for (Path file : files.toList()) {
        collectMappings(file.getFileName() + "#", JSON.readTree(file.toFile()), schemaMappings);
      }
    }
    assertThat(schemaMappings).containsExactlyInAnyOrderElementsOf(mappings().keySet());
  }

  @Test
  void shouldNameItsSchemaInEveryFileOfTheDemoJob() throws IOException {
    Map<Path, String> schemaOf = demoFiles();
    for (Map.Entry<Path, String> file : schemaOf.entrySet()) {
      assertThat(Files.readAllLines(file.getKey()).get(0)).as(file.getKey().toString())
          .isEqualTo("# yaml-language-server: $schema="
              + file.getKey().getParent().relativize(SCHEMAS) + "/" + file.getValue()
              + ".schema.json");
    }
  }

  @Test
  void shouldAcceptEveryFileOfTheDemoJobAndRefuseAMisspeltKey() throws IOException {
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7);
    for (Map.Entry<Path, String> file : demoFiles().entrySet()) {
      Schema schema = registry.getSchema(
          Files.newInputStream(SCHEMAS.resolve(file.getValue() + ".schema.json")));
      assertThat(schema.validate(yaml(Files.readString(file.getKey()))))
          .as(file.getKey().toString()).isEmpty();
    }
    Schema pattern =
        registry.getSchema(Files.newInputStream(SCHEMAS.resolve("pattern.schema.json")));
    assertThat(pattern.validate(yaml("""
        id: calls
        steps:
          - name: calls
            when: event.type == "call.inbound"
            time: 2
        within: 3 hours
        """))).extracting(Error::getMessage)
        .anySatisfy(message -> assertThat(message).contains("property 'time' is not defined"))
        .anySatisfy(message -> assertThat(message).contains("^[0-9]{1,12}(ms|s|m|h|d)$"));
    assertThat(pattern.validate(yaml("""
        id: tried-channels
        steps:
          - name: self-service
            anyOrder:
              - name: web
                when: event.type == "web"
              - name: ivr
                when: event.type == "ivr"
            atLeast: 1
        within: 2d
        """))).isEmpty();
  }

  @Test
  void shouldOfferTheChannelsOfTheEventSchema() throws IOException {
    List<String> channels = Arrays.stream(Channel.values()).map(Enum::name).toList();
    for (String list : List.of("suppression.schema.json#/properties/channels/items/enum",
        "events.schema.json#/properties/channels/items/enum")) {
      List<String> offered = new ArrayList<>();
      at(list).forEach(symbol -> offered.add(symbol.asText()));
      assertThat(offered).as(list).isEqualTo(channels);
    }
  }

  private static JsonNode yaml(String text) {
    return JSON.valueToTree(new Yaml().load(text));
  }

  /** The demo job's files, with the schema each should name. */
  private static Map<Path, String> demoFiles() throws IOException {
    Path job = Path.of("jobs/telecom-demo");
    Map<Path, String> schemaOf = new LinkedHashMap<>();
    schemaOf.put(job.resolve("job.yaml"), "job");
    schemaOf.put(job.resolve("events.yaml"), "events");
    for (String folder : List.of("patterns", "audiences", "suppressions")) {
      try (Stream<Path> files = Files.list(job.resolve(folder))) {
        files.sorted().forEach(
            file -> schemaOf.put(file, folder.substring(0, folder.length() - 1)));
      }
    }
    return schemaOf;
  }

  private static JsonNode at(String location) throws IOException {
    String[] parts = location.split("#", 2);
    JsonNode node = JSON.readTree(SCHEMAS.resolve(parts[0]).toFile()).at(parts[1]);
    assertThat(node.isMissingNode()).as(location + " exists").isFalse();
    return node;
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Every object schema with properties, by its pointer. */
  private static void collectMappings(String pointer, JsonNode schema, Set<String> found) {
    if (!schema.isObject()) {
      return;
    }
    if (schema.has("properties")) {
      found.add(pointer);
      schema.get("properties").fields().forEachRemaining(property -> collectMappings(
          pointer + "/properties/" + property.getKey(), property.getValue(), found));
    }
    for (String key : List.of("items", "additionalProperties")) {
      collectMappings(pointer + "/" + key, schema.path(key), found);
    }
    for (String key : List.of("oneOf", "anyOf", "allOf")) {
      for (int i = 0; i < schema.path(key).size(); i++) {
        collectMappings(pointer + "/" + key + "/" + i, schema.path(key).get(i), found);
      }
    }
  }
}
