package io.journeyorchestrator.keyed;

import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a keyed function that may hold records on the heap ({@link EventTimeHeapBuffer.Holder}):
 * when it opens, its buffers note what waits in keyed state; before every checkpoint barrier they
 * spill what they hold into keyed state, so that the snapshot has it.
 */
public class HeapBufferOperator<IN, OUT> extends KeyedProcessOperator<String, IN, OUT> {
  private static final long serialVersionUID = 1L;

  public HeapBufferOperator(KeyedProcessFunction<String, IN, OUT> function) {
    super(function);
  }

  @Override
  public void open() throws Exception {
    super.open();
    if (userFunction instanceof EventTimeHeapBuffer.Holder holder) {
      for (EventTimeHeapBuffer<?> buffer : holder.heapBuffers()) {
        buffer.recall(getKeyedStateBackend(), this::setCurrentKey);
      }
    }
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    if (userFunction instanceof EventTimeHeapBuffer.Holder holder) {
      for (EventTimeHeapBuffer<?> buffer : holder.heapBuffers()) {
        buffer.spill(this::setCurrentKey);
      }
    }
  }
}
