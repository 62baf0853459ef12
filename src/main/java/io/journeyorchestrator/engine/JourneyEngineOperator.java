package io.journeyorchestrator.engine;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs the {@link JourneyEngineFunction} with the two hooks its heap of active customers needs:
 * a new watermark releases the customers it passed before the timers of that watermark fire, and
 * the heap is written back to keyed state before every checkpoint barrier.
 */
public final class JourneyEngineOperator
    extends EarlierStateOperator<InteractionEvent, DetectedMatch> {
  private static final long serialVersionUID = 1L;

  private final JourneyEngineFunction engine;
  private transient TimerService timers;
  private transient TimestampedCollector<DetectedMatch> released;

  public JourneyEngineOperator(JourneyEngineFunction engine) {
    super(engine);
    this.engine = engine;
  }

  @Override
  public void open() throws Exception {
    engine.runIn(this::setCurrentKey);
    super.open();
    // The same timer service as the function's context: same name, serializers and target.
    timers = new SimpleTimerService(
        getInternalTimerService("user-timers", VoidNamespaceSerializer.INSTANCE, this));
    released = new TimestampedCollector<>(output);
  }

  @Override
  public void processWatermark(Watermark mark) throws Exception {
    engine.releaseWaiting(mark.getTimestamp(), timers, released);
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    engine.writeBack(timers);
  }
}
