package io.journeyorchestrator.keyed;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The heap buffer as its operators run it, on RocksDB: records come out at the watermark in
 * arrival order per customer and instant, also when a checkpoint barrier came between their
 * arrival and the watermark and the job restored from that checkpoint.
 */
class EventTimeHeapBufferTest {
  private static final MapStateDescriptor<Long, List<String>> WAITING =
      new MapStateDescriptor<>("waiting", Types.LONG, Types.LIST(Types.STRING));

  /** Buffers "customer:text@time" until the watermark, then emits "customer:text". */
  static final class Buffering extends KeyedProcessFunction<String, String, String>
      implements EventTimeHeapBuffer.Holder {
    transient EventTimeHeapBuffer<String> buffer;

    @Override
    public void open(OpenContext context) {
      buffer = new EventTimeHeapBuffer<>(getRuntimeContext(), WAITING);
    }

    @Override
    public void processElement(String record, Context ctx, Collector<String> out) {
      String text = record.substring(record.indexOf(':') + 1, record.indexOf('@'));
      long time = Long.parseLong(record.substring(record.indexOf('@') + 1));
      buffer.add(ctx.getCurrentKey(), time, text, ctx.timerService());
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<String> out)
        throws Exception {
      for (String text : buffer.take(ctx.getCurrentKey(), timestamp)) {
        out.collect(ctx.getCurrentKey() + ":" + text + "@" + timestamp);
      }
    }

    @Override
    public List<EventTimeHeapBuffer<?>> heapBuffers() {
      return List.of(buffer);
    }
  }

  private KeyedOneInputStreamOperatorTestHarness<String, String, String> harness;
  private Buffering function;

  private void start(OperatorSubtaskState snapshot, boolean spillsBeforeBarriers)
      throws Exception {
    function = new Buffering();
    harness = new KeyedOneInputStreamOperatorTestHarness<>(
        spillsBeforeBarriers ? new HeapBufferOperator<>(function)
            : new KeyedProcessOperator<>(function),
        record -> record.substring(0, record.indexOf(':')), Types.STRING);
    harness.setStateBackend(new EmbeddedRocksDBStateBackend());
    if (snapshot != null) {
      harness.initializeState(snapshot);
    }
    harness.open();
  }

  /** As a checkpoint takes it: the barrier's preparation, then the snapshot. */
  private OperatorSubtaskState checkpoint(long id) throws Exception {
    harness.prepareSnapshotPreBarrier(id);
    return harness.snapshot(id, id);
  }

  @AfterEach
  void close() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void send(String... records) throws Exception {
    for (String record : records) {
      harness.processElement(record, 0);
    }
  }

  private List<String> emitted() {
    return harness.extractOutputValues();
  }

  @Test
  void shouldReleaseInTimeOrderAndArrivalOrderWithinAnInstant() throws Exception {
    start(null, true);
    send("alice:b@20", "bob:x@15", "alice:a@10", "alice:c@20", "alice:late@30");
    harness.processWatermark(20);

    assertThat(emitted()).containsExactly("alice:a@10", "bob:x@15", "alice:b@20", "alice:c@20");
    assertThat(function.buffer.keysHeld()).as("only alice's record at 30 is still held")
        .isEqualTo(1);
    harness.processWatermark(30);
    assertThat(emitted()).endsWith("alice:late@30");
    assertThat(function.buffer.keysHeld()).isZero();
  }

  @Test
  void shouldKeepWhatWaitsAcrossACheckpointAndARestore() throws Exception {
    start(null, true);
    send("alice:before@20", "bob:before@25");
    harness.processWatermark(10);
    OperatorSubtaskState snapshot = checkpoint(1);
    assertThat(function.buffer.keysHeld()).as("spilled into keyed state").isZero();
    // Arrives after the barrier: not in the checkpoint, and sent again after a restore.
    send("alice:after@20");
    harness.close();

    start(snapshot, true);
    send("alice:after@20", "alice:again@20");
    harness.processWatermark(30);

    assertThat(emitted()).containsExactly(
        "alice:before@20", "alice:after@20", "alice:again@20", "bob:before@25");
  }

  @Test
  void shouldKeepSpilledAndHeldRecordsOfOneInstantInArrivalOrderWithoutARestore()
      throws Exception {
    start(null, true);
    send("alice:first@20");
    checkpoint(1);
    send("alice:second@20");
    checkpoint(2);
    send("alice:third@20");
    harness.processWatermark(20);

    assertThat(emitted()).containsExactly("alice:first@20", "alice:second@20", "alice:third@20");
  }

  @Test
  void shouldLoseWhatWaitsWhenTheOperatorDoesNotSpillWhichIsWhyItMust() throws Exception {
    start(null, false);
    send("alice:before@20");
    OperatorSubtaskState snapshot = checkpoint(1);
    harness.close();

    start(snapshot, false);
    harness.processWatermark(30);

    assertThat(emitted()).as("the timer restored, its record not").isEmpty();
  }

  @Test
  void shouldReadRecordsThatAnEarlierReleaseBufferedInKeyedState() throws Exception {
    start(null, false);
    harness.getOperator().setCurrentKey("alice");
    // What EventTimeBuffer, which has the same layout, leaves in keyed state, with its timer.
    harness.getOperator().getKeyedStateBackend()
        .getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, WAITING)
        .put(20L, new ArrayList<>(List.of("stored")));
    harness.getOperator().getKeyedStateBackend().setCurrentKey("bob");
    harness.getOperator().getKeyedStateBackend()
        .getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, WAITING)
        .put(25L, new ArrayList<>(List.of("stored")));
    send("bob:registers-its-timer@25");
    OperatorSubtaskState savepoint = checkpoint(1);
    harness.close();

    start(savepoint, true);
    assertThat(function.buffer.keysStored()).as("alice's and bob's instants").isEqualTo(2);
    send("alice:new@20");
    harness.processWatermark(30);

    assertThat(emitted()).containsExactly("alice:stored@20", "alice:new@20", "bob:stored@25");
    assertThat(function.buffer.keysStored()).isZero();
  }
}
