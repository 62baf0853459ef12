package io.journeyorchestrator.pattern;

import java.util.Map;
import java.util.WeakHashMap;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** Metric names for patterns, in one place so dashboards and alerts can rely on them. */
final class PatternMetrics {
  /**
   * CEP keeps one copy of a step's condition per NFA state (a "2+" step has several) and opens
   * each; Flink would register only the first counter of a name and silently drop the others.
   * So copies in one subtask share a counter, found by their (cached, per-subtask) metric group.
   */
  private static final Map<MetricGroup, Counter> CONDITION_ERRORS = new WeakHashMap<>();

  private PatternMetrics() {}

  static MetricGroup pattern(RuntimeContext context, String patternId) {
    return context.getMetricGroup().addGroup("pattern", patternId);
  }

  static Counter conditionErrors(RuntimeContext context, String patternId, String stepName) {
    MetricGroup step = pattern(context, patternId).addGroup("step", stepName);
    synchronized (CONDITION_ERRORS) {
      return CONDITION_ERRORS.computeIfAbsent(step, group -> group.counter("conditionErrors"));
    }
  }

  static Counter matches(RuntimeContext context, String patternId) {
    return pattern(context, patternId).counter("matches");
  }
}
