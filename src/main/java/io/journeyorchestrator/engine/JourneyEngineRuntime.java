package io.journeyorchestrator.engine;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.matching.CompiledPattern;
import io.journeyorchestrator.matching.PatternRuntime;
import io.journeyorchestrator.timeline.CustomerTimeline;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.formats.avro.typeutils.AvroTypeInfo;
import org.apache.flink.streaming.api.datastream.KeyedStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

/**
 * The journey engine behind {@link PatternRuntime}: the customer timeline and all patterns in
 * one keyed operator. It keeps the timeline operator's uid, so profiles and waiting events of a
 * job that ran Flink CEP carry over; the engine's state lives in the timeline's list, each
 * pattern's under its own key.
 */
public final class JourneyEngineRuntime implements PatternRuntime {
  /** The most partial matches one customer may hold per pattern; see {@link JourneyMatcher}. */
  public static final int MAX_PARTIAL_MATCHES = 1_000;
  /**
   * The most customers each subtask keeps on the heap between checkpoints (see {@link
   * io.journeyorchestrator.timeline.ActiveCustomers}), a Flink option so that it is sized with the
   * TaskManagers' heap: flink-conf/ and the Helm chart set it.
   */
  public static final ConfigOption<Integer> ACTIVE_CUSTOMERS =
      ConfigOptions.key("journey.engine.active-customers").intType().defaultValue(100_000)
          .withDescription("Customers each subtask of the journey engine keeps on the heap"
              + " between checkpoints (about 1 KB each)");
  /**
   * How long a customer on the heap must stay unchanged (processing time) before a watermark
   * writes it back, ahead of the checkpoint: the barrier's write-back then holds only the
   * customers changed in that last stretch. Shorter means shorter barrier stalls but more writes
   * for customers in a session.
   */
  public static final ConfigOption<Duration> WRITE_BACK_AFTER =
      ConfigOptions.key("journey.engine.write-back-after").durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription("How long a customer on the journey engine's heap stays unchanged"
              + " before it is written back to state ahead of the next checkpoint");
  /**
   * The uid of the engine's own operator in builds where it ran after the timeline operator: a
   * savepoint of such a build has it, and the upgrade drops its partial matches once.
   */
  public static final String SEPARATE_OPERATOR_UID = "journey-engine";

  private final String tracedCustomer;
  private final boolean stepFunnels;

  public JourneyEngineRuntime() {
    this(null, false);
  }

  /**
   * @param tracedCustomer whose partial matches to describe (explain.sh), or null
   * @param stepFunnels whether to record every customer's step funnels (replay's report)
   */
  public JourneyEngineRuntime(String tracedCustomer, boolean stepFunnels) {
    this.tracedCustomer = tracedCustomer;
    this.stepFunnels = stepFunnels;
  }

  @Override
  public Outputs run(KeyedStream<InteractionEvent, String> events, JobDefinition job,
      List<CompiledPattern> patterns) {
    SingleOutputStreamOperator<DetectedMatch> engine = events
        .transform("customer timeline and journey engine", new AvroTypeInfo<>(DetectedMatch.class),
            new JourneyEngineOperator(new JourneyEngineFunction(CustomerTimeline.of(job, patterns),
                patterns, MAX_PARTIAL_MATCHES,
                events.getExecutionEnvironment().getConfiguration().get(ACTIVE_CUSTOMERS),
                tracedCustomer, stepFunnels),
            events.getExecutionEnvironment().getConfiguration().get(WRITE_BACK_AFTER)))
        .uid(CustomerTimeline.OPERATOR_UID);
    return new Outputs(engine, engine.getSideOutput(JobState.LATE_EVENTS));
  }
}
