package io.journeyorchestrator.io;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.reader.SimpleStreamFormat;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;

/**
 * Reads a text file as (line number, line) pairs. Not splittable: one reader sees the whole file
 * from its first line, which is what makes line numbers, and file-order lateness, exact.
 */
public final class NumberedLineFormat extends SimpleStreamFormat<Tuple2<Long, String>> {

  @Override
  public StreamFormat.Reader<Tuple2<Long, String>> createReader(
      Configuration config, FSDataInputStream stream) {
    BufferedReader reader =
        new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8), 1 << 16);
    return new StreamFormat.Reader<>() {
      private long lineNumber;

      @Override
      public Tuple2<Long, String> read() throws IOException {
        String line = reader.readLine();
        if (line == null) {
          return null;
        }
        lineNumber++;
        return Tuple2.of(lineNumber, line);
      }

      @Override
      public void close() throws IOException {
        reader.close();
      }
    };
  }

  @Override
  public TypeInformation<Tuple2<Long, String>> getProducedType() {
    return Types.TUPLE(Types.LONG, Types.STRING);
  }
}
