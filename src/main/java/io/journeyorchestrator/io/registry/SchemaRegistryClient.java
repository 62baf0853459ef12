package io.journeyorchestrator.io.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.io.registry.RegistryLookupException.Kind;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Optional;

/**
 * Fetches a writer schema by id from {@code GET <url>/schemas/ids/<id>}, the endpoint that
 * Confluent Schema Registry documents and Apicurio Registry serves under {@code
 * /apis/ccompat/v7}. One endpoint serves both registries, so this is the JDK's HTTP client and
 * Jackson (both already in the jar) rather than either vendor's client library.
 *
 * <p>A failure that may pass (no connection, timeout, HTTP 5xx or 429) is retried {@code retries}
 * times, waiting {@code backoff} and then twice as long each time; everything else fails at once.
 * The longest a lookup holds its thread is therefore bounded: {@code (retries + 1)} request
 * timeouts plus the waits.
 */
final class SchemaRegistryClient implements SchemaSource {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(2);

  private final URI url;
  private final Optional<String> authorization;
  private final Duration timeout;
  private final int retries;
  private final Duration backoff;
  private final Runnable onFailedRequest;
  private final HttpClient http;

  SchemaRegistryClient(URI url, Optional<String> authorization, Duration timeout, int retries,
      Duration backoff, Runnable onFailedRequest) {
    this.url = url;
    this.authorization = authorization;
    this.timeout = timeout;
    this.retries = retries;
    this.backoff = backoff;
    this.onFailedRequest = onFailedRequest;
    // Redirects are not followed (the JDK's default): they would carry the credentials along.
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
  }

  @Override
  public String schema(int id) throws RegistryLookupException, InterruptedException {
    URI address = URI.create(url + "/schemas/ids/" + id);
    Duration wait = backoff;
    for (int attempt = 1; ; attempt++) {
      try {
        return once(id, address);
      } catch (RegistryLookupException e) {
        onFailedRequest.run();
        if (e.kind() != Kind.UNAVAILABLE || attempt > retries) {
          throw attempt == 1 ? e : new RegistryLookupException(e.kind(),
              e.getMessage() + " (after " + attempt + " attempts)");
        }
      }
      Thread.sleep(wait.toMillis());
      wait = wait.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : wait.multipliedBy(2);
    }
  }

  private String once(int id, URI address) throws RegistryLookupException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(address)
        .timeout(timeout)
        .header("Accept", "application/vnd.schemaregistry.v1+json, application/json")
        .GET();
    authorization.ifPresent(value -> request.header("Authorization", value));
    HttpResponse<String> response;
    try {
      response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    } catch (HttpTimeoutException e) {
      throw new RegistryLookupException(Kind.UNAVAILABLE, "registry: no answer for schema id "
          + id + " from " + address + " within " + timeout);
    } catch (IOException e) {
      throw new RegistryLookupException(Kind.UNAVAILABLE, "registry: unreachable at " + address
          + " (" + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : ": " + e.getMessage()) + ")");
    }
    int status = response.statusCode();
    if (status == 200) {
      return schemaText(id, address, response.body());
    }
    String answer = "HTTP " + status + errorMessage(response.body());
    if (status == 404) {
      throw new RegistryLookupException(Kind.NOT_FOUND, "registry: schema id " + id
          + " not found at " + address + " (" + answer + ")");
    }
    if (status >= 500 || status == 429) {
      throw new RegistryLookupException(Kind.UNAVAILABLE, "registry: " + address + " answered "
          + answer);
    }
    throw new RegistryLookupException(Kind.REFUSED, "registry: " + address + " refused the"
        + " request (" + answer + ")" + (status == 401 || status == 403
            ? "; check input.schemaRegistry.basicAuth" : ""));
  }

  /** {@code {"schema": "...", "schemaType": "AVRO"}}; no schemaType means Avro. */
  private static String schemaText(int id, URI address, String body)
      throws RegistryLookupException {
    JsonNode answer;
    try {
      answer = JSON.readTree(body);
    } catch (IOException e) {
      throw new RegistryLookupException(Kind.BAD_ANSWER, "registry: the answer for schema id "
          + id + " from " + address + " is not JSON");
    }
    String type = answer.path("schemaType").asText("AVRO");
    if (!type.equals("AVRO")) {
      throw new RegistryLookupException(Kind.BAD_ANSWER, "registry: schema id " + id + " is a "
          + type + " schema, not Avro (" + address + ")");
    }
    if (!answer.path("schema").isTextual()) {
      throw new RegistryLookupException(Kind.BAD_ANSWER, "registry: the answer for schema id "
          + id + " from " + address + " holds no 'schema'");
    }
    return answer.get("schema").asText();
  }

  /** The registry's own words from an error body, shortened; registries answer JSON errors. */
  private static String errorMessage(String body) {
    try {
      JsonNode message = JSON.readTree(body).path("message");
      if (message.isTextual()) {
        String text = message.asText();
        return ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text);
      }
    } catch (IOException e) {
      // not JSON: the status says enough
    }
    return "";
  }
}
