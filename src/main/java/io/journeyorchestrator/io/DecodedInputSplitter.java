package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.internal.avro.DecodedInput;
import io.journeyorchestrator.keyed.JobState;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/** Events go on; dead letters go to the dead-letter side output. */
public final class DecodedInputSplitter extends ProcessFunction<DecodedInput, InteractionEvent> {
  @Override
  public void processElement(DecodedInput input, Context ctx, Collector<InteractionEvent> out) {
    if (input.getEvent() != null) {
      out.collect(input.getEvent());
    } else {
      ctx.output(JobState.DEAD_LETTERS, input.getDeadLetter());
    }
  }
}
