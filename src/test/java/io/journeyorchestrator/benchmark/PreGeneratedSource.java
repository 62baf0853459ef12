package io.journeyorchestrator.benchmark;

import io.journeyorchestrator.avro.InteractionEvent;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * Serves {@link BenchmarkEvents} from memory: subtask i reads shard i in event-time order, so a
 * source subtask is like a Kafka partition of customers. The only work per event is building
 * the record from its columns, which keeps the source far from being the bottleneck.
 *
 * <p>It never finishes: after its last event a reader reports the end to {@link RunProgress}
 * and idles, so the harness can take a checkpoint of the whole state (tasks that finish
 * contribute no state to later checkpoints) and then cancel the job. A reader emits
 * {@code eventsPerShard} events, and keeps going round the shard (later laps shifted in time)
 * until the counted part of the run ({@link RunProgress}) has lasted {@code minSeconds} too. With {@code eventsPerSecond} above 0 it paces itself
 * to that total rate, and with {@code recordEmission} it notes when each event left
 * ({@link LatencyProbe}).
 */
final class PreGeneratedSource
    implements Source<InteractionEvent, PreGeneratedSource.ShardSplit, Integer> {
  /** Progress is reported after this many events of a reader, and at its end. */
  static final int REPORT_EVERY = 1 << 15;
  private static final ScheduledExecutorService PACER = Executors.newSingleThreadScheduledExecutor(
      r -> {
        Thread t = new Thread(r, "benchmark-source-pacer");
        t.setDaemon(true);
        return t;
      });

  private final String file;
  private final int from;
  private final int eventsPerShard;
  private final double minSeconds;
  private final double eventsPerSecond;
  private final boolean recordEmission;

  /**
   * @param from first position in each shard
   * @param eventsPerShard events per reader (at most the shard's size minus {@code from}, unless
   *     {@code minSeconds} makes it go round)
   */
  PreGeneratedSource(String file, int from, int eventsPerShard, double minSeconds,
      double eventsPerSecond, boolean recordEmission) {
    this.file = file;
    this.from = from;
    this.eventsPerShard = eventsPerShard;
    this.minSeconds = minSeconds;
    this.eventsPerSecond = eventsPerSecond;
    this.recordEmission = recordEmission;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SourceReader<InteractionEvent, ShardSplit> createReader(SourceReaderContext context)
      throws IOException {
    BenchmarkEvents events = BenchmarkEvents.cached(file);
    if (context.currentParallelism() != events.shards.length) {
      throw new IllegalStateException("the events have " + events.shards.length
          + " shards; run the source with that parallelism, not " + context.currentParallelism());
    }
    return new Reader(events, context.currentParallelism());
  }

  @Override
  public SplitEnumerator<ShardSplit, Integer> createEnumerator(
      SplitEnumeratorContext<ShardSplit> context) {
    return new Enumerator(context, from);
  }

  @Override
  public SplitEnumerator<ShardSplit, Integer> restoreEnumerator(
      SplitEnumeratorContext<ShardSplit> context, Integer checkpoint) {
    return new Enumerator(context, from);
  }

  @Override
  public SimpleVersionedSerializer<ShardSplit> getSplitSerializer() {
    return new SplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<Integer> getEnumeratorCheckpointSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(Integer value) {
        return new byte[0];
      }

      @Override
      public Integer deserialize(int version, byte[] serialized) {
        return 0;
      }
    };
  }

  /** A shard and how far its reader got. */
  record ShardSplit(int shard, long emitted) implements SourceSplit {
    @Override
    public String splitId() {
      return Integer.toString(shard);
    }
  }

  /** Gives each reader the shard of its subtask index, once. */
  private static final class Enumerator implements SplitEnumerator<ShardSplit, Integer> {
    private final SplitEnumeratorContext<ShardSplit> context;
    private final List<ShardSplit> returned = new ArrayList<>();

    Enumerator(SplitEnumeratorContext<ShardSplit> context, int from) {
      this.context = context;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtaskId, String requesterHostname) {}

    @Override
    public void addSplitsBack(List<ShardSplit> splits, int subtaskId) {
      returned.addAll(splits);
    }

    @Override
    public void addReader(int subtaskId) {
      ShardSplit split = returned.stream().filter(s -> s.shard() == subtaskId).findFirst()
          .orElse(new ShardSplit(subtaskId, 0));
      returned.remove(split);
      context.assignSplit(split, subtaskId);
      context.signalNoMoreSplits(subtaskId);
    }

    @Override
    public Integer snapshotState(long checkpointId) {
      return 0;
    }

    @Override
    public void close() {}
  }

  private final class Reader implements SourceReader<InteractionEvent, ShardSplit> {
    private static final int BATCH = 64;
    private final BenchmarkEvents events;
    private final int shardCount;
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private ShardSplit split;
    private int shardSize;
    private long emitted;
    private long startNanos;
    private boolean done;

    Reader(BenchmarkEvents events, int shardCount) {
      this.events = events;
      this.shardCount = shardCount;
    }

    @Override
    public void start() {}

    @Override
    public InputStatus pollNext(ReaderOutput<InteractionEvent> output) {
      if (split == null || done) {
        return InputStatus.NOTHING_AVAILABLE;
      }
      if (startNanos == 0) {
        startNanos = System.nanoTime();
        RunProgress.current().started(split.shard(), startNanos);
      }
      long allowed = emitted + BATCH;
      if (eventsPerSecond > 0) {
        long now = System.nanoTime();
        allowed = (long) ((now - startNanos) / 1e9 * eventsPerSecond / shardCount) + 1;
        if (allowed <= emitted) {
          available = new CompletableFuture<>();
          CompletableFuture<Void> wake = available;
          PACER.schedule(() -> wake.complete(null), 1, TimeUnit.MILLISECONDS);
          return InputStatus.NOTHING_AVAILABLE;
        }
        allowed = Math.min(allowed, emitted + BATCH);
      }
      int shard = split.shard();
      while (emitted < allowed) {
        long offset = from + emitted;
        int lap = (int) (offset / shardSize);
        int position = (int) (offset % shardSize);
        InteractionEvent event = events.event(shard, position, lap);
        if (recordEmission) {
          LatencyProbe.emitted(BenchmarkEvents.indexOf(event.getEventId()));
        }
        output.collect(event, event.getTimestamp().toEpochMilli());
        emitted++;
        // A paced reader reports every batch, so a soak run's figures are exact at any rate.
        boolean report = emitted % (eventsPerSecond > 0 ? BATCH : REPORT_EVERY) == 0;
        long now = report ? System.nanoTime() : 0;
        if (report) {
          RunProgress.current().progress(shard, emitted, now);
        }
        if (emitted >= eventsPerShard
            && (minSeconds <= 0
                || report && RunProgress.current().secondsCounted(now) >= minSeconds)) {
          done = true;
          RunProgress.current().finished(shard, emitted, System.nanoTime());
          available = new CompletableFuture<>();
          return InputStatus.NOTHING_AVAILABLE;
        }
      }
      return InputStatus.MORE_AVAILABLE;
    }

    @Override
    public List<ShardSplit> snapshotState(long checkpointId) {
      return split == null ? List.of() : List.of(new ShardSplit(split.shard(), emitted));
    }

    @Override
    public CompletableFuture<Void> isAvailable() {
      return available;
    }

    @Override
    public void addSplits(List<ShardSplit> splits) {
      split = splits.get(0);
      emitted = split.emitted();
      shardSize = events.shards[split.shard()].size();
      if (minSeconds <= 0 && from + (long) eventsPerShard > shardSize) {
        throw new IllegalArgumentException("shard " + split.shard() + " has " + shardSize
            + " events, fewer than " + from + " + " + eventsPerShard);
      }
      available.complete(null);
    }

    @Override
    public void notifyNoMoreSplits() {}

    @Override
    public void close() {
      available.complete(null);
    }
  }

  private static final class SplitSerializer implements SimpleVersionedSerializer<ShardSplit> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(ShardSplit split) throws IOException {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        out.writeInt(split.shard());
        out.writeLong(split.emitted());
      }
      return bytes.toByteArray();
    }

    @Override
    public ShardSplit deserialize(int version, byte[] serialized) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(serialized))) {
        return new ShardSplit(in.readInt(), in.readLong());
      }
    }
  }
}
