package io.journeyorchestrator.pattern;

import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Metric names for patterns, in one place so dashboards and alerts can rely on them. */
final class PatternMetrics {
  private PatternMetrics() {}

  static MetricGroup pattern(RuntimeContext context, String patternId) {
    return context.getMetricGroup().addGroup("pattern", patternId);
  }

  static Counter conditionErrors(RuntimeContext context, String patternId, String stepName) {
    return pattern(context, patternId).addGroup("step", stepName).counter("conditionErrors");
  }

  static Counter matches(RuntimeContext context, String patternId) {
    return pattern(context, patternId).counter("matches");
  }
}
