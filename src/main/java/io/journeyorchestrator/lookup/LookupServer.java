package io.journeyorchestrator.lookup;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lookup service's HTTP side: the JDK's HTTP server on a fixed pool of threads, each request
 * answered by {@link LookupRequests}, counted and timed per route and status for {@code
 * /metrics}. A failure inside a lookup is logged here and answered with a 500 that says nothing
 * of the internals.
 */
public final class LookupServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LookupServer.class);

  static {
    // The JDK server writes a response's headers and body separately; with Nagle's algorithm on,
    // the body waits for the client's delayed ACK, about 40 ms per request on Linux (measured:
    // 705 lookups in 30 s on one connection). Read once, when the first server is created.
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private final HttpServer server;
  private final ExecutorService threads;
  private final CollectorRegistry registry = new CollectorRegistry();
  private final Counter requests = Counter.build("journey_lookup_requests_total",
      "Lookup service requests by route and status").labelNames("route", "status")
      .register(registry);
  private final Histogram latency = Histogram.build("journey_lookup_request_seconds",
      "Time to answer a request, by route").labelNames("route")
      .buckets(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1)
      .register(registry);

  /**
   * @param customers the number of customers in the store, for a gauge
   */
  public LookupServer(InetAddress address, int port, int threadCount, LookupRequests requests,
      LookupRequests.StoreStatus status, java.util.function.LongSupplier customers)
      throws IOException {
    Gauge.build("journey_lookup_ready", "1 once the store is restored and followed")
        .create().setChild(new Gauge.Child() {
          @Override
          public double get() {
            return status.ready() ? 1 : 0;
          }
        }).register(registry);
    Gauge.build("journey_lookup_customers", "Customers holding state in the store")
        .create().setChild(new Gauge.Child() {
          @Override
          public double get() {
            return customers.getAsLong();
          }
        }).register(registry);
    server = HttpServer.create(new InetSocketAddress(address, port), 1024);
    threads = Executors.newFixedThreadPool(threadCount, runnable -> {
      Thread thread = new Thread(runnable, "lookup-http");
      thread.setDaemon(true);
      return thread;
    });
    server.setExecutor(threads);
    server.createContext("/", exchange -> answer(exchange, requests));
  }

  public void start() {
    server.start();
  }

  /** The bound address and port (port 0 asked for any free port). */
  public InetSocketAddress address() {
    return server.getAddress();
  }

  private void answer(HttpExchange exchange, LookupRequests handler) throws IOException {
    long started = System.nanoTime();
    String rawPath = exchange.getRequestURI().getRawPath();
    LookupRequests.Route route = LookupRequests.route(rawPath);
    LookupRequests.Response response;
    try {
      response = handler.handle(exchange.getRequestMethod(), rawPath,
          exchange.getRequestHeaders().getFirst("Authorization"), this::metricsText);
    } catch (RuntimeException e) {
      LOG.error("lookup {} failed", route, e);
      response = LookupRequests.Response.error(500, "internal error; see the service's log");
    }
    try {
      byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", response.contentType());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      if (response.status() == 401) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer");
      }
      boolean head = exchange.getRequestMethod().equals("HEAD");
      exchange.sendResponseHeaders(response.status(), head ? -1 : body.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(body);
        }
      }
    } finally {
      exchange.close();
      String label = route.name().toLowerCase();
      requests.labels(label, Integer.toString(response.status())).inc();
      latency.labels(label).observe((System.nanoTime() - started) / 1e9);
    }
  }

  private String metricsText() {
    StringWriter text = new StringWriter();
    try {
      TextFormat.write004(text, registry.metricFamilySamples());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  @Override
  public void close() {
    server.stop(1);
    threads.shutdownNow();
  }
}
