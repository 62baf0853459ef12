package io.journeyorchestrator.engine;

import io.journeyorchestrator.internal.avro.EnginePatternState;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/** A matcher's state through its Avro record in binary, as Flink's Avro serializer writes it. */
final class StateRecords {
  private StateRecords() {}

  static byte[] bytes(PatternState state) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
      new SpecificDatumWriter<>(EnginePatternState.class).write(state.toRecord(), encoder);
      encoder.flush();
      return bytes.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static PatternState roundTrip(JourneyMatcher matcher, PatternState state) {
    try {
      BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(bytes(state), null);
      EnginePatternState record =
          new SpecificDatumReader<>(EnginePatternState.class).read(null, decoder);
      return matcher.fromRecord(record);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
