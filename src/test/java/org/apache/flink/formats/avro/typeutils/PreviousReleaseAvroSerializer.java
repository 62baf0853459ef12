package org.apache.flink.formats.avro.typeutils;

import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.formats.avro.utils.DataOutputEncoder;

/**
 * Test only: writes a generated Avro class as an earlier release of the project did, in the
 * layout of that release's schema, and snapshots itself exactly like Flink's {@link
 * AvroSerializer} did then (runtime class and that schema). Lives in Flink's package for the
 * package-private snapshot constructor; it only ever writes, as the previous release's job did.
 */
public final class PreviousReleaseAvroSerializer<T extends SpecificRecord>
    extends TypeSerializer<T> {
  private final Class<T> type;
  private final String schemaJson;

  public PreviousReleaseAvroSerializer(Class<T> type, Schema previousSchema) {
    this.type = type;
    this.schemaJson = previousSchema.toString();
  }

  private Schema schema() {
    return new Schema.Parser().parse(schemaJson);
  }

  @Override
  public void serialize(T record, DataOutputView target) throws IOException {
    DataOutputEncoder encoder = new DataOutputEncoder();
    encoder.setOut(target);
    new SpecificDatumWriter<T>(schema(), SpecificData.getForClass(type)).write(record, encoder);
    encoder.flush();
  }

  @Override
  public TypeSerializerSnapshot<T> snapshotConfiguration() {
    return new AvroSerializerSnapshot<>(schema(), type);
  }

  @Override
  public boolean isImmutableType() {
    return false;
  }

  @Override
  public TypeSerializer<T> duplicate() {
    return new PreviousReleaseAvroSerializer<>(type, schema());
  }

  @Override
  public T copy(T from) {
    return from;
  }

  @Override
  public T copy(T from, T reuse) {
    return from;
  }

  @Override
  public int getLength() {
    return -1;
  }

  @Override
  public T createInstance() {
    throw new UnsupportedOperationException("write only");
  }

  @Override
  public T deserialize(DataInputView source) {
    throw new UnsupportedOperationException("write only");
  }

  @Override
  public T deserialize(T reuse, DataInputView source) {
    throw new UnsupportedOperationException("write only");
  }

  @Override
  public void copy(DataInputView source, DataOutputView target) {
    throw new UnsupportedOperationException("write only");
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof PreviousReleaseAvroSerializer<?> that
        && that.type.equals(type) && that.schemaJson.equals(schemaJson);
  }

  @Override
  public int hashCode() {
    return schemaJson.hashCode();
  }
}
