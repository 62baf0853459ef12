package io.journeyorchestrator.io.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.journeyorchestrator.io.registry.RegistryLookupException.Kind;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side of a lookup: which answers are retried, how long an unreachable or silent
 * registry can hold the thread, and what each failure says. The canned answers follow the
 * documented {@code GET /schemas/ids/{id}} responses; they test this client's handling of them,
 * not a registry (no registry server is available from Maven Central here, see OPERATIONS.md).
 */
class SchemaRegistryClientTest {
  private static final Duration TIMEOUT = Duration.ofMillis(500);
  private static final Duration BACKOFF = Duration.ofMillis(50);
  private static final String SCHEMA = "{\"type\":\"string\"}";

  private final AtomicInteger failedRequests = new AtomicInteger();
  private final Deque<String[]> answers = new ArrayDeque<>();
  private final List<String> authorizations = new ArrayList<>();
  private HttpServer server;

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  /** Answers with the queued {status, body} pairs, one per request. */
  private URI cannedAnswers() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(),
        freeLoopbackPort()), 0);
    server.createContext("/", exchange -> {
      authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
      String[] answer = answers.isEmpty() ? new String[] {"500", "{}"} : answers.poll();
      byte[] body = answer[1].getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(Integer.parseInt(answer[0]), body.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7");
  }

  private SchemaRegistryClient client(URI url, int retries) {
    return new SchemaRegistryClient(url, Optional.of("Basic am86cHc="), TIMEOUT, retries, BACKOFF,
        failedRequests::incrementAndGet);
  }

  /** A loopback port of the range this project's tests use (28000-28999), free just now. */
  private static int freeLoopbackPort() throws IOException {
    try (ServerSocket socket = listening(1)) {
      return socket.getLocalPort();
    }
  }

  private static ServerSocket listening(int backlog) throws IOException {
    int first = 28_100 + (int) (ProcessHandle.current().pid() % 800);
    for (int port = first; port < first + 100; port++) {
      try {
        return new ServerSocket(port, backlog, InetAddress.getLoopbackAddress());
      } catch (BindException taken) {
        // the next one
      }
    }
    throw new IOException("no free loopback port from " + first + " on");
  }

  @Test
  void shouldFetchTheSchemaOfAnIdWithTheConfiguredCredentials() throws Exception {
    URI url = cannedAnswers();
    answers.add(new String[] {"200", "{\"schema\":\"" + SCHEMA.replace("\"", "\\\"") + "\"}"});

    assertThat(client(url, 0).schema(7)).isEqualTo(SCHEMA);
    assertThat(authorizations).containsExactly("Basic am86cHc=");
  }

  @Test
  void shouldNotRetryAnUnknownId() throws Exception {
    URI url = cannedAnswers();
    answers.add(new String[] {"404",
        "{\"error_code\":40403,\"message\":\"Schema 42 not found\"}"});

    assertThatThrownBy(() -> client(url, 2).schema(42))
        .hasMessage("registry: schema id 42 not found at " + url + "/schemas/ids/42 (HTTP 404:"
            + " Schema 42 not found)")
        .extracting(e -> ((RegistryLookupException) e).kind()).isEqualTo(Kind.NOT_FOUND);
    assertThat(failedRequests).hasValue(1);
  }

  @Test
  void shouldRetryAServerErrorAndTakeTheAnswerThatFollows() throws Exception {
    URI url = cannedAnswers();
    answers.add(new String[] {"503", "{}"});
    answers.add(new String[] {"200", "{\"schema\":\"\\\"long\\\"\",\"schemaType\":\"AVRO\"}"});

    assertThat(client(url, 2).schema(1)).isEqualTo("\"long\"");
    assertThat(failedRequests).hasValue(1);
  }

  @Test
  void shouldSayWhatARefusalOrAForeignSchemaIs() throws Exception {
    URI url = cannedAnswers();
    answers.add(new String[] {"401", "{\"message\":\"Unauthorized\"}"});
    answers.add(new String[] {"200", "{\"schema\":\"syntax = 1\",\"schemaType\":\"PROTOBUF\"}"});

    assertThatThrownBy(() -> client(url, 2).schema(1))
        .hasMessageEndingWith("refused the request (HTTP 401: Unauthorized); check"
            + " input.schemaRegistry.basicAuth")
        .extracting(e -> ((RegistryLookupException) e).kind()).isEqualTo(Kind.REFUSED);
    assertThatThrownBy(() -> client(url, 2).schema(1))
        .hasMessageStartingWith("registry: schema id 1 is a PROTOBUF schema, not Avro")
        .extracting(e -> ((RegistryLookupException) e).kind()).isEqualTo(Kind.BAD_ANSWER);
  }

  @Test
  void shouldGiveUpOnAnUnreachableRegistryAfterItsRetries() throws Exception {
    URI url = URI.create("http://127.0.0.1:" + freeLoopbackPort());
    long started = System.nanoTime();

    assertThatThrownBy(() -> client(url, 2).schema(3))
        .hasMessageStartingWith("registry: unreachable at " + url + "/schemas/ids/3 (")
        .hasMessageEndingWith("(after 3 attempts)")
        .extracting(e -> ((RegistryLookupException) e).kind()).isEqualTo(Kind.UNAVAILABLE);
    assertThat(failedRequests).hasValue(3);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void shouldNotWaitLongerThanItsTimeoutForARegistryThatNeverAnswers() throws Exception {
    // Accepts connections (the backlog does) but never reads or answers.
    try (ServerSocket silent = listening(50)) {
      URI url = URI.create("http://127.0.0.1:" + silent.getLocalPort());
      long started = System.nanoTime();

      assertThatThrownBy(() -> client(url, 1).schema(5))
          .hasMessage("registry: no answer for schema id 5 from " + url + "/schemas/ids/5 within"
              + " PT0.5S (after 2 attempts)")
          .extracting(e -> ((RegistryLookupException) e).kind()).isEqualTo(Kind.UNAVAILABLE);
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      assertThat(took).isBetween(Duration.ofMillis(1000), Duration.ofMillis(3000));
    }
  }
}
