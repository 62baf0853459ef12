package io.journeyorchestrator.timeline;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import io.journeyorchestrator.keyed.ErasureRequests;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.LateEvents;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The {@link CustomerTimeline} as an operator of its own, for an engine that takes the released
 * events as a stream (Flink CEP): each timer releases the events at its time. Late events go to
 * the {@link JobState#LATE_EVENTS} output, erasure requests also to {@link JobState#ERASURES}.
 * State another engine kept in the list (after a switch of engine) is dropped at the customer's
 * next release. Run it in a {@link EarlierStateOperator}.
 */
public final class CustomerTimelineFunction
    extends KeyedProcessFunction<String, InteractionEvent, JourneyEvent>
    implements EarlierStateOperator.Owner {
  private final CustomerTimeline timeline;

  public CustomerTimelineFunction(CustomerTimeline timeline) {
    this.timeline = timeline;
  }

  @Override
  public void open(OpenContext openContext) {
    timeline.open(getRuntimeContext());
  }

  @Override
  public void processElement(InteractionEvent event, Context ctx, Collector<JourneyEvent> out)
      throws Exception {
    if (!timeline.arrive(timeline.keyedState(), event, ctx.timerService())) {
      ctx.output(JobState.LATE_EVENTS,
          LateEvents.behindWatermark(event, ctx.timerService().currentWatermark()));
    }
  }

  @Override
  public void onTimer(long timestamp, OnTimerContext ctx, Collector<JourneyEvent> out)
      throws Exception {
    CustomerTimeline.Release release =
        timeline.release(timeline.keyedState(), timestamp, timestamp,
            ctx.timerService().currentWatermark());
    release.store(null, false, ctx.timerService());
    release.forEachDue((event, erasure) -> {
      if (erasure) {
        ctx.output(JobState.ERASURES, ErasureRequests.of(event.getEvent()));
      }
      out.collect(event);
    });
  }

  @Override
  public List<String> earlierStateNames() {
    return timeline.earlierStateNames();
  }

  @Override
  public void moveEarlierState() throws Exception {
    timeline.moveEarlierState();
  }
}
