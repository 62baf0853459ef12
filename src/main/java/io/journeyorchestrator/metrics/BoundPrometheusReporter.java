package io.journeyorchestrator.metrics;

import io.prometheus.client.CollectorRegistry;
import io.prometheus.client.exporter.HTTPServer;
import java.io.IOException;
import java.lang.reflect.Field;
import java.net.InetSocketAddress;
import java.util.Iterator;
import org.apache.flink.metrics.prometheus.AbstractPrometheusReporter;
import org.apache.flink.util.PortRange;

/**
 * Serves what Flink's Prometheus reporter collects on one address instead of all of them. The
 * metric translation is Flink's, unchanged ({@link AbstractPrometheusReporter}); only the HTTP
 * endpoint is this class's.
 */
final class BoundPrometheusReporter extends AbstractPrometheusReporter {
  private final HTTPServer httpServer;
  private final int port;

  BoundPrometheusReporter(String host, PortRange ports) {
    this.httpServer = bind(host, ports, registryOf(this));
    this.port = httpServer.getPort();
    log.info("Prometheus metrics on http://{}:{}/metrics", host, port);
  }

  private static HTTPServer bind(String host, PortRange ports, CollectorRegistry registry) {
    Iterator<Integer> candidates = ports.getPortsIterator();
    IOException lastFailure = null;
    while (candidates.hasNext()) {
      try {
        return new HTTPServer(new InetSocketAddress(host, candidates.next()), registry, true);
      } catch (IOException e) {
        lastFailure = e;
      }
    }
    throw new IllegalStateException("could not bind the Prometheus reporter to " + host
        + " on any port of " + ports + " (metrics.reporter.<name>.host / .port)", lastFailure);
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    httpServer.stop();
    super.close();
  }

  /**
   * Flink keeps the registry its collectors are added to private, and its own reporter, the only
   * other user, hard-codes the wildcard address; reading the field is the one way to serve those
   * collectors elsewhere. BoundPrometheusReporterTest fails if a Flink upgrade renames it.
   */
  private static CollectorRegistry registryOf(AbstractPrometheusReporter reporter) {
    try {
      Field field = AbstractPrometheusReporter.class.getDeclaredField("registry");
      field.setAccessible(true);
      return (CollectorRegistry) field.get(reporter);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("this Flink's AbstractPrometheusReporter has no readable"
          + " registry field; use org.apache.flink.metrics.prometheus.PrometheusReporterFactory"
          + " (it listens on every interface)", e);
    }
  }
}
