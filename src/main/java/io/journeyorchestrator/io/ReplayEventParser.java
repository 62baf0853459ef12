package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.EventCatalogCheck;
import io.journeyorchestrator.keyed.JobState;
import io.journeyorchestrator.keyed.LateEvents;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Optional;
import org.apache.flink.api.common.accumulators.LongCounter;
import org.apache.flink.api.common.accumulators.LongMaximum;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns replay file lines into events, in file order (parallelism 1). A line that is not a valid
 * event becomes a dead letter naming file and line. Lateness is decided here, in file order, so
 * a replay is deterministic: an event older than the newest event before it by more than the
 * allowed out-of-orderness is late. Events after the replay's end instant are dropped (counted
 * by the caller from the side output), since time stops there. With an events catalog, every
 * event parsed, after the end instant too, is checked against it ({@link EventCatalogCheck}, the
 * {@value #CATALOG_CHECK} accumulator).
 */
public final class ReplayEventParser
    extends ProcessFunction<Tuple2<Long, String>, InteractionEvent> {
  private final String fileName;
  private final long maxOutOfOrdernessMillis;
  private final long untilMillis;
  private final EventCatalog catalog;
  private static final Logger LOG = LoggerFactory.getLogger(ReplayEventParser.class);

  public static final String LINES_READ = "replay.linesRead";
  public static final String NEWEST_EVENT = "replay.newestEvent";
  public static final String CATALOG_CHECK = "replay.catalogCheck";
  public static final long PROGRESS_EVERY_LINES = 100_000;

  private long newestTimestamp = Long.MIN_VALUE;
  private transient LongCounter linesRead;
  private transient LongMaximum newestEvent;
  private transient EventCatalogCheck catalogCheck;

  /**
   * @param untilMillis the replay's end instant, or {@code Long.MAX_VALUE} for none
   * @param catalog the job's events catalog, to check events against
   */
  public ReplayEventParser(String fileName, long maxOutOfOrdernessMillis, long untilMillis,
      Optional<EventCatalog> catalog) {
    this.fileName = fileName;
    this.maxOutOfOrdernessMillis = maxOutOfOrdernessMillis;
    this.untilMillis = untilMillis;
    this.catalog = catalog.orElse(null);
  }

  @Override
  public void open(OpenContext openContext) {
    linesRead = new LongCounter();
    newestEvent = new LongMaximum(Long.MIN_VALUE);
    getRuntimeContext().addAccumulator(LINES_READ, linesRead);
    getRuntimeContext().addAccumulator(NEWEST_EVENT, newestEvent);
    if (catalog != null) {
      CatalogCheckAccumulator check = new CatalogCheckAccumulator(catalog);
      catalogCheck = check.check();
      getRuntimeContext().addAccumulator(CATALOG_CHECK, check);
    }
  }

  @Override
  public void processElement(Tuple2<Long, String> line, Context ctx, Collector<InteractionEvent> out) {
    linesRead.add(1);
    if (line.f0 % PROGRESS_EVERY_LINES == 0) {
      LOG.info("{}: {} lines read", fileName, String.format("%,d", line.f0));
    }
    if (line.f1.isBlank()) {
      return;
    }
    InteractionEvent event;
    try {
      event = JsonEventCodec.parse(line.f1);
      EventIdentity.check(event);
    } catch (MalformedEventException e) {
      ctx.output(JobState.DEAD_LETTERS, DeadLetter.newBuilder()
          .setSource(fileName + ":" + line.f0)
          .setError(e.getMessage())
          .setPayload(ByteBuffer.wrap(line.f1.getBytes(StandardCharsets.UTF_8)))
          .setAt(Instant.ofEpochMilli(Math.max(newestTimestamp, 0)))
          .build());
      return;
    }
    if (catalogCheck != null) {
      catalogCheck.check(line.f0, event);
    }
    long timestamp = event.getTimestamp().toEpochMilli();
    if (timestamp > untilMillis) {
      ctx.output(JobState.AFTER_END, event);
      return;
    }
    if (newestTimestamp != Long.MIN_VALUE
        && timestamp < newestTimestamp - maxOutOfOrdernessMillis) {
      ctx.output(JobState.LATE_EVENTS,
          LateEvents.behindNewestEvent(event, newestTimestamp, maxOutOfOrdernessMillis,
              fileName + ":" + line.f0));
      return;
    }
    newestTimestamp = Math.max(newestTimestamp, timestamp);
    newestEvent.add(timestamp);
    out.collect(event);
  }
}
