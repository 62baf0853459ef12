package io.journeyorchestrator.benchmark;

import io.journeyorchestrator.avro.PatternMatch;
import java.util.List;
import java.util.Set;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Where the benchmark's decisions arrive: each published match is handed to
 * {@link LatencyProbe} by its last event. Matches of patterns that end in an absent step are
 * left out: a deadline passing, not an event, decides those. Written at once, as with
 * {@code delivery: at-least-once} (no wait for a checkpoint to commit).
 */
final class LatencySink implements Sink<PatternMatch> {
  private final Set<String> decidedByTime;

  LatencySink(Set<String> patternsEndingInAbsence) {
    this.decidedByTime = Set.copyOf(patternsEndingInAbsence);
  }

  @Override
  public SinkWriter<PatternMatch> createWriter(WriterInitContext context) {
    return new SinkWriter<>() {
      @Override
      public void write(PatternMatch match, Context context) {
        List<String> ids = match.getEventIds();
        if (!ids.isEmpty() && !decidedByTime.contains(match.getPatternId())) {
          LatencyProbe.decided(BenchmarkEvents.indexOf(ids.get(ids.size() - 1)));
        }
      }

      @Override
      public void flush(boolean endOfInput) {}

      @Override
      public void close() {}
    };
  }
}
