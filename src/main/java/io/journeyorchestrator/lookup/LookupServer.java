package io.journeyorchestrator.lookup;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.Counter;
import io.prometheus.client.Gauge;
import io.prometheus.client.Histogram;
import io.prometheus.client.exporter.common.TextFormat;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.function.LongSupplier;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lookup service's HTTP side: Jetty, each request answered by {@link LookupRequests} (a
 * lookup in memory, so the handler is non-blocking and Jetty may run it on the thread that read
 * the request, without a hand-off), counted and timed per route and status for {@code /metrics}.
 * Jetty passes every request path on as sent ({@link UriCompliance#UNSAFE}): {@link
 * LookupRequests} decides what is a bad id, so bad requests get its JSON 400s and are counted. A
 * failure inside a lookup is logged here and answered with a 500 that says nothing of the
 * internals; errors Jetty answers itself (a malformed request line, headers too large) are JSON
 * too.
 */
public final class LookupServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LookupServer.class);

  private final Server server;
  private final ServerConnector connector;
  private final CollectorRegistry registry = new CollectorRegistry();
  private final Counter requests = Counter.build("journey_lookup_requests_total",
      "Lookup service requests by route and status").labelNames("route", "status")
      .register(registry);
  private final Histogram latency = Histogram.build("journey_lookup_request_seconds",
      "Time to answer a request, by route").labelNames("route")
      .buckets(0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.1, 1)
      .register(registry);

  /**
   * @param threadCount threads answering requests, besides Jetty's acceptor and selector
   * @param customers the number of customers in the store, for a gauge
   */
  public LookupServer(InetAddress address, int port, int threadCount, LookupRequests handler,
      LookupRequests.StoreStatus status, LongSupplier customers) {
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
    QueuedThreadPool threads = new QueuedThreadPool(threadCount + 2, Math.min(threadCount, 2));
    threads.setName("lookup-http");
    threads.setDaemon(true);
    threads.setReservedThreads(0);
    server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setUriCompliance(UriCompliance.UNSAFE);
    connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    connector.setHost(address.getHostAddress());
    connector.setPort(port);
    connector.setAcceptQueueSize(1024);
    server.addConnector(connector);
    server.setHandler(new Handler.Abstract.NonBlocking() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        answer(request, response, callback, handler);
        return true;
      }
    });
    server.setErrorHandler(new Request.Handler() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        int code = response.getStatus() >= 400 ? response.getStatus() : 400;
        send(response, callback, LookupRequests.Response.error(code,
            HttpStatus.getMessage(code).toLowerCase()), request.getMethod());
        return true;
      }
    });
  }

  public void start() throws IOException {
    try {
      server.start();
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException("the lookup service's HTTP server did not start: " + e.getMessage(),
          e);
    }
  }

  /** The bound address and port (port 0 asked for any free port); after {@link #start}. */
  public InetSocketAddress address() {
    return new InetSocketAddress(connector.getHost(), connector.getLocalPort());
  }

  private void answer(Request request, Response response, Callback callback,
      LookupRequests handler) {
    long started = System.nanoTime();
    String rawPath = request.getHttpURI().getPath();
    LookupRequests.Route route = LookupRequests.route(rawPath);
    LookupRequests.Response answer;
    try {
      answer = handler.handle(request.getMethod(), rawPath,
          request.getHeaders().get(HttpHeader.AUTHORIZATION), this::metricsText);
    } catch (RuntimeException e) {
      LOG.error("lookup {} failed", route, e);
      answer = LookupRequests.Response.error(500, "internal error; see the service's log");
    }
    send(response, callback, answer, request.getMethod());
    String label = route.name().toLowerCase();
    requests.labels(label, Integer.toString(answer.status())).inc();
    latency.labels(label).observe((System.nanoTime() - started) / 1e9);
  }

  private static void send(Response response, Callback callback, LookupRequests.Response answer,
      String method) {
    byte[] body = answer.body().getBytes(StandardCharsets.UTF_8);
    response.setStatus(answer.status());
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, answer.contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (answer.status() == 401) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
    }
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    if (method.equals("HEAD")) {
      callback.succeeded();
    } else {
      response.write(true, ByteBuffer.wrap(body), callback);
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
    try {
      server.stop();
    } catch (Exception e) {
      LOG.warn("stopping the lookup service's HTTP server", e);
    }
  }
}
