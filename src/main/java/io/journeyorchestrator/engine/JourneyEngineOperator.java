package io.journeyorchestrator.engine;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.keyed.EarlierStateOperator;
import java.time.Duration;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.SimpleTimerService;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.operators.TimestampedCollector;
import org.apache.flink.streaming.api.watermark.Watermark;

/**
 * Runs the {@link JourneyEngineFunction} with the two hooks its heap of active customers needs:
 * a new watermark releases the customers it passed before the timers of that watermark fire, then
 * writes back the customers unchanged for {@code writeBackAfter} of processing time, and the rest
 * of the heap is written back to keyed state before every checkpoint barrier. Writing back
 * settled customers early keeps the barrier's write-back short: it holds up every event behind
 * it, which is the engine's worst latency.
 */
public final class JourneyEngineOperator
    extends EarlierStateOperator<InteractionEvent, DetectedMatch> {
  private static final long serialVersionUID = 1L;

  private final JourneyEngineFunction engine;
  private final long writeBackAfterMillis;
  private transient TimerService timers;
  private transient TimestampedCollector<DetectedMatch> released;

  public JourneyEngineOperator(JourneyEngineFunction engine, Duration writeBackAfter) {
    super(engine);
    this.engine = engine;
    this.writeBackAfterMillis = writeBackAfter.toMillis();
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
    long now = getProcessingTimeService().getCurrentProcessingTime();
    engine.releaseWaiting(mark.getTimestamp(), now, timers, released);
    engine.writeBackUnchangedSince(now - writeBackAfterMillis, timers);
    super.processWatermark(mark);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    engine.writeBack(timers);
  }
}
