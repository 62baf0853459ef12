package io.journeyorchestrator.engine;

import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.keyed.CustomerKey;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.matching.PatternRuntime;
import java.util.List;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.DataStreamUtils;

/**
 * The journey engine behind {@link PatternRuntime}: all patterns in one keyed operator, on the
 * timeline's partitioning (no exchange). Its uid does not depend on the patterns: each pattern's
 * state lives under its own key inside the operator's state.
 */
public final class JourneyEngineRuntime implements PatternRuntime {
  /** The most partial matches one customer may hold per pattern; see {@link JourneyMatcher}. */
  public static final int MAX_PARTIAL_MATCHES = 1_000;
  /** The operator's uid, the same for every set of patterns. */
  public static final String UID = "journey-engine";

  @Override
  public DataStream<DetectedMatch> matches(DataStream<JourneyEvent> timeline,
      List<CompiledPattern> patterns) {
    return DataStreamUtils.reinterpretAsKeyedStream(timeline, new CustomerKey())
        .process(new JourneyEngineFunction(patterns, MAX_PARTIAL_MATCHES))
        .returns(new AvroTypeInfo<>(DetectedMatch.class))
        .name("journey engine")
        .uid(UID);
  }
}
