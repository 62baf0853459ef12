package io.journeyorchestrator.cli;

import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.EventCatalogDraft;
import io.journeyorchestrator.io.RecordedEvents;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code catalog}: drafts a job's events.yaml from recorded events, for an analyst to edit. */
@Command(name = "catalog", mixinStandardHelpOptions = true,
    description = "Draft an events catalog (events.yaml) from a recorded events file (one JSON"
        + " event per line): event types, their attributes with inferred types, channels and"
        + " profile facts, with counts as comments. Edit it, then validate the job.")
final class CatalogCommand implements Callable<Integer> {
  @Option(names = "--events", required = true, description = "Recorded events file (.jsonl)")
  Path eventsFile;

  @Option(names = "--out", required = true,
      description = "File to write, e.g. jobs/telecom-demo/events.yaml")
  Path out;

  @Option(names = "--force", description = "Overwrite --out if it exists")
  boolean force;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (!Files.isRegularFile(eventsFile)) {
      return invalid(err, eventsFile + ": events file not found");
    }
    if (Files.exists(out) && !force) {
      return invalid(err, out + ": already exists; edit it, or pass --force to draft it again"
          + " (your edits are lost)");
    }
    EventCatalogDraft draft = new EventCatalogDraft();
    Malformed malformed = new Malformed();
    RecordedEvents.read(eventsFile, new RecordedEvents.Visitor() {
      @Override
      public void event(long line, InteractionEvent event) {
        draft.add(event);
      }

      @Override
      public void malformed(long line, String error) {
        malformed.add(line, error);
      }
    });
    if (draft.events() == 0) {
      return invalid(err, eventsFile + ": no events to draft a catalog from");
    }
    Files.writeString(out, draft.toYaml(eventsFile.getFileName().toString()),
        StandardCharsets.UTF_8);
    stdout.printf("Drafted %s from %,d events: %d event types, %d channels, %d profile facts%n",
        out, draft.events(), draft.eventTypes(), draft.channels(), draft.profileFacts());
    if (malformed.count > 0) {
      stdout.printf("Skipped %,d %s (first: line %d, %s)%n", malformed.count,
          malformed.count == 1 ? "line that is not an event" : "lines that are not events",
          malformed.firstLine, malformed.firstError);
    }
    stdout.println("Edit it, then check the job folder with scripts/validate.sh; conditions must"
        + " fit its " + EventCatalog.FILE);
    stdout.flush();
    return 0;
  }

  private static int invalid(PrintWriter err, String message) {
    err.println(message);
    err.flush();
    return JourneyCli.INVALID;
  }

  private static final class Malformed {
    long count;
    long firstLine;
    String firstError;

    void add(long line, String error) {
      if (count++ == 0) {
        firstLine = line;
        firstError = error;
      }
    }
  }
}
