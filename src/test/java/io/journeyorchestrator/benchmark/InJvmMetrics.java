package io.journeyorchestrator.benchmark;

import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

/**
 * A metrics reporter that keeps the gauges of a MiniCluster in this JVM, so a harness can read
 * them by name (RocksDB's per-state sizes, backpressure) without a port: configure it as
 * {@code metrics.reporter.<name>.factory.class}.
 */
public final class InJvmMetrics implements MetricReporter, MetricReporterFactory {
  private static final Map<String, Gauge<?>> GAUGES = new ConcurrentHashMap<>();

  @Override
  public MetricReporter createMetricReporter(Properties properties) {
    return new InJvmMetrics();
  }

  @Override
  public void open(MetricConfig config) {}

  @Override
  public void close() {}

  @Override
  public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
    if (metric instanceof Gauge<?> gauge) {
      GAUGES.put(group.getMetricIdentifier(name), gauge);
    }
  }

  @Override
  public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
    GAUGES.remove(group.getMetricIdentifier(name));
  }

  /** The sum of the numeric gauges whose identifier ends with {@code suffix}, per the part before. */
  static Map<String, Long> byPrefix(String suffix) {
    Map<String, Long> sums = new TreeMap<>();
    GAUGES.forEach((id, gauge) -> {
      if (id.endsWith(suffix) && gauge.getValue() instanceof Number n) {
        sums.merge(id.substring(0, id.length() - suffix.length()), n.longValue(), Long::sum);
      }
    });
    return sums;
  }
}
