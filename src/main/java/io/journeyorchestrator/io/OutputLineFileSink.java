package io.journeyorchestrator.io;

import io.journeyorchestrator.internal.avro.OutputLine;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * Replay's sink: appends each output line to {@code <dir>/<kind>/part-<subtask>} as
 * {@code time \t customer \t id \t label \t readable \t json}. The replay command sorts and merges the parts
 * once the job has finished. Files, not a collect stream, so that no output depends on the local
 * cluster staying up while the client reads. Replay only: no checkpoints, no exactly-once.
 */
public final class OutputLineFileSink implements Sink<OutputLine> {
  private final String directory;

  public OutputLineFileSink(Path directory) {
    this.directory = directory.toAbsolutePath().toString();
  }

  @Override
  public SinkWriter<OutputLine> createWriter(WriterInitContext context) {
    return new Writer(Paths.get(directory), context.getTaskInfo().getIndexOfThisSubtask());
  }

  /** One line of a part file, read back. */
  public static OutputLine parse(String kind, String line) {
    String[] fields = line.split("\t", 6);
    return new OutputLine(kind, Long.parseLong(fields[0]), fields[1], fields[2], fields[3],
        fields[4], fields[5]);
  }

  private static final class Writer implements SinkWriter<OutputLine> {
    private final Path directory;
    private final int subtask;
    private final Map<String, BufferedWriter> writers = new HashMap<>();

    Writer(Path directory, int subtask) {
      this.directory = directory;
      this.subtask = subtask;
    }

    @Override
    public void write(OutputLine line, Context context) throws IOException {
      BufferedWriter writer = writers.get(line.getKind());
      if (writer == null) {
        Path folder = Files.createDirectories(directory.resolve(line.getKind()));
        writer = Files.newBufferedWriter(folder.resolve("part-" + subtask), StandardCharsets.UTF_8);
        writers.put(line.getKind(), writer);
      }
      writer.write(Long.toString(line.getTime()));
      writer.write('\t');
      writer.write(line.getCustomerId().replace('\t', ' '));
      writer.write('\t');
      writer.write(line.getId().replace('\t', ' '));
      writer.write('\t');
      writer.write(line.getLabel().replace('\t', ' '));
      writer.write('\t');
      writer.write(line.getReadable().replace('\t', ' ').replace('\n', ' '));
      writer.write('\t');
      writer.write(line.getJson());
      writer.newLine();
    }

    @Override
    public void flush(boolean endOfInput) throws IOException {
      for (BufferedWriter writer : writers.values()) {
        writer.flush();
      }
    }

    @Override
    public void close() throws IOException {
      for (BufferedWriter writer : writers.values()) {
        writer.close();
      }
    }
  }
}
