package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.InteractionEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a replay events file in the calling thread, for reports over the file that need no job
 * (drafting an events catalog, checking events against one). Lines are read as replay reads them
 * ({@link JsonEventCodec}), numbered from 1; blank lines are skipped.
 */
public final class RecordedEvents {

  /** Receives each line of the file, in order. */
  @FunctionalInterface
  public interface Visitor {
    void event(long line, InteractionEvent event);

    /** A line that replay would turn into a dead letter; ignored unless overridden. */
    default void malformed(long line, String error) {}
  }

  private RecordedEvents() {}

  public static void read(Path file, Visitor visitor) throws IOException {
    try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long number = 0;
      String line;
      while ((line = reader.readLine()) != null) {
        number++;
        if (line.isBlank()) {
          continue;
        }
        InteractionEvent event;
        try {
          event = JsonEventCodec.parse(line);
        } catch (MalformedEventException e) {
          visitor.malformed(number, e.getMessage());
          continue;
        }
        visitor.event(number, event);
      }
    }
  }
}
