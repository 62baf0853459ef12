package io.journeyorchestrator.keyed;

import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;

/**
 * Runs a keyed function that may hold records on the heap ({@link EventTimeHeapBuffer.Holder}):
 * before every checkpoint barrier it has the function spill them into keyed state, so that the
 * snapshot has them.
 */
public class HeapBufferOperator<IN, OUT> extends KeyedProcessOperator<String, IN, OUT> {
  private static final long serialVersionUID = 1L;

  public HeapBufferOperator(KeyedProcessFunction<String, IN, OUT> function) {
    super(function);
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    if (userFunction instanceof EventTimeHeapBuffer.Holder holder) {
      holder.spill(this::setCurrentKey);
    }
  }
}
