package io.journeyorchestrator.io.registry;

import io.journeyorchestrator.io.MalformedEventException;
import io.journeyorchestrator.io.MalformedEventException.Reason;
import java.nio.ByteBuffer;

/**
 * The schema-registry wire format that Confluent's serializers write and Apicurio's serve through
 * its Confluent-compatible API: a magic byte 0, the writer schema's id as a 4-byte big-endian
 * integer, then the Avro binary body.
 */
public final class ConfluentWireFormat {
  public static final byte MAGIC_BYTE = 0;
  public static final int HEADER_BYTES = 5;

  private ConfluentWireFormat() {}

  /** The writer schema's id of a value, or why the value is not in this format. */
  public static int schemaId(byte[] value) throws MalformedEventException {
    if (value.length < HEADER_BYTES) {
      throw new MalformedEventException(Reason.UNDECODABLE, "not the schema-registry wire format:"
          + " " + value.length + " bytes, shorter than its 5-byte header (magic byte 0, schema"
          + " id)");
    }
    if (value[0] != MAGIC_BYTE) {
      throw new MalformedEventException(Reason.UNDECODABLE, String.format(
          "not the schema-registry wire format: magic byte 0x%02X, expected 0x00 (is the"
              + " producer using a registry serializer? input.format is registry-avro)",
          value[0] & 0xff));
    }
    return ByteBuffer.wrap(value, 1, 4).getInt();
  }

  /** A value in this format: header and body; what registry serializers produce. */
  public static byte[] frame(int schemaId, byte[] avroBody) {
    return ByteBuffer.allocate(HEADER_BYTES + avroBody.length)
        .put(MAGIC_BYTE).putInt(schemaId).put(avroBody).array();
  }
}
