package io.journeyorchestrator.metrics;

import java.util.Properties;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;
import org.apache.flink.util.PortRange;

/**
 * Flink's Prometheus reporter with a {@code host} option: {@code metrics.reporter.<name>.host}
 * (default {@value #DEFAULT_HOST}) and {@code .port} (a port or a range, first free one taken,
 * default {@value #DEFAULT_PORT}). Flink's own factory always listens on every interface.
 */
public final class BoundPrometheusReporterFactory implements MetricReporterFactory {
  static final String ARG_HOST = "host";
  static final String ARG_PORT = "port";
  static final String DEFAULT_HOST = "127.0.0.1";
  static final String DEFAULT_PORT = "9249";

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    String host = properties.getProperty(ARG_HOST, DEFAULT_HOST).strip();
    return new BoundPrometheusReporter(host,
        new PortRange(properties.getProperty(ARG_PORT, DEFAULT_PORT)));
  }
}
