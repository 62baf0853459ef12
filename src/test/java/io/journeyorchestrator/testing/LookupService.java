package io.journeyorchestrator.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.journeyorchestrator.lookup.LookupRequests;
import io.journeyorchestrator.lookup.LookupServer;
import io.journeyorchestrator.lookup.StateTopicView;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;

/** The lookup service over a state topic, in this JVM, with an HTTP client for it. */
public final class LookupService implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final StateTopicView view;
  private final LookupServer server;
  private final HttpClient client = HttpClient.newHttpClient();
  private final Optional<String> token;

  /** One answer: status and body. */
  public record Answer(int status, String body) {
    public JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new UncheckedIOException(body, e);
      }
    }

    /** The body without readAt, the one field that depends on when it was asked. */
    public JsonNode state() {
      ObjectNode node = (ObjectNode) json();
      node.remove("readAt");
      return node;
    }
  }

  public LookupService(String bootstrapServers, String topic, Path stateDir, Set<String> audiences,
      Optional<String> token, Clock clock, InetAddress address) throws IOException {
    this.token = token;
    view = new StateTopicView(bootstrapServers, topic, "lookup-test-" + System.nanoTime(),
        new Properties(), stateDir);
    server = new LookupServer(address, 0, 4,
        new LookupRequests(view::get, view, Optional.of(audiences), token, clock), view,
        view::customers);
    view.start();
    server.start();
  }

  /** Waits until the store is restored. */
  public LookupService awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!view.ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("not ready after " + timeout + ": " + view.state());
      }
      Thread.sleep(50);
    }
    return this;
  }

  /** http://address:port of the service. */
  public String baseUrl() {
    return "http://" + server.address().getAddress().getHostAddress() + ":"
        + server.address().getPort();
  }

  public long customers() {
    return view.customers();
  }

  public Answer customer(String customerId) throws Exception {
    return get("/customers/" + segment(customerId));
  }

  public Answer membership(String customerId, String audienceId) throws Exception {
    return get("/customers/" + segment(customerId) + "/audiences/" + segment(audienceId));
  }

  /** A GET with the service's token, if it has one. */
  public Answer get(String path) throws Exception {
    return get(path, token.orElse(null));
  }

  /** A GET with this token (null: none). */
  public Answer get(String path, String bearer) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + path))
        .timeout(Duration.ofSeconds(10));
    if (bearer != null) {
      request.header("Authorization", "Bearer " + bearer);
    }
    HttpResponse<String> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    return new Answer(response.statusCode(), response.body());
  }

  /** Percent-encoding of a path segment (a space as %20, not '+'). */
  public static String segment(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    server.close();
    view.close();
  }
}
