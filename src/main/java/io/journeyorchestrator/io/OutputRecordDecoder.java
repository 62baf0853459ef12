package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;

/** Decodes any of the job's topics: the record-type header names the schema of the value. */
public final class OutputRecordDecoder {
  private interface Decoder {
    SpecificRecord decode(ByteBuffer bytes) throws IOException;
  }

  private static final Map<String, Decoder> BY_TYPE = Map.of(
      InteractionEvent.getClassSchema().getFullName(), InteractionEvent::fromByteBuffer,
      PatternMatch.getClassSchema().getFullName(), PatternMatch::fromByteBuffer,
      AudienceChange.getClassSchema().getFullName(), AudienceChange::fromByteBuffer,
      SuppressionDecision.getClassSchema().getFullName(), SuppressionDecision::fromByteBuffer,
      DeadLetter.getClassSchema().getFullName(), DeadLetter::fromByteBuffer,
      LateEvent.getClassSchema().getFullName(), LateEvent::fromByteBuffer,
      CustomerState.getClassSchema().getFullName(), CustomerState::fromByteBuffer,
      NextBestAction.getClassSchema().getFullName(), NextBestAction::fromByteBuffer);

  private OutputRecordDecoder() {}

  public static SpecificRecord decode(String recordType, byte[] value) throws IOException {
    Decoder decoder = BY_TYPE.get(recordType);
    if (decoder == null) {
      throw new IOException("unknown record type '" + recordType + "'");
    }
    return decoder.decode(ByteBuffer.wrap(value));
  }
}
