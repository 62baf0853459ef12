package io.journeyorchestrator.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Builds job folders for tests: a valid job.yaml unless replaced, plus the files given (no events.yaml unless given). */
public final class JobFolder {
  public static final String JOB_YAML = """
      name: test-job
      kafka:
        bootstrapServers: localhost:9092
        topics:
          events: t.events
          matches: t.matches
          audienceChanges: t.audience-changes
          suppressions: t.suppressions
          deadLetters: t.dead-letters
          lateEvents: t.late-events
          customerState: t.customer-state
      time:
        maxOutOfOrderness: 30s
        idleTimeout: 1m
      """;

  /** {@link #JOB_YAML} with the decisions topic a job with actions needs (line 13). */
  public static final String JOB_YAML_WITH_DECISIONS = JOB_YAML.replace(
      "    customerState: t.customer-state\n",
      "    customerState: t.customer-state\n    decisions: t.decisions\n");

  /** A valid two-step pattern (lines 5 and 7 hold the conditions) for tests to vary. */
  public static final String PATTERN = """
      id: calls-after-failed-payment
      description: Two or more calls within 3 hours after a failed payment
      steps:
        - name: failed-payment
          when: event.type == "payment.failed"
        - name: calls
          when: event.channel == "CALL_CENTER" && event.type == "call.inbound"
          times: "2+"
      within: 3h
      """;

  private final Path dir;

  private JobFolder(Path dir) {
    this.dir = dir;
  }

  public static JobFolder in(Path dir) {
    JobFolder folder = new JobFolder(dir);
    folder.file("job.yaml", JOB_YAML);
    return folder;
  }

  public JobFolder file(String relativePath, String content) {
    try {
      Path file = dir.resolve(relativePath);
      Files.createDirectories(file.getParent());
      Files.writeString(file, content);
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs the job's patterns on this engine ({@code journey}, {@code flink-cep}). */
  public JobFolder engine(String engine) {
    return file("job.yaml", JOB_YAML + "engine: " + engine + "\n");
  }

  public JobFolder pattern(String name, String content) {
    return file("patterns/" + name + ".yaml", content);
  }

  public JobFolder audience(String name, String content) {
    return file("audiences/" + name + ".yaml", content);
  }

  public JobFolder suppression(String name, String content) {
    return file("suppressions/" + name + ".yaml", content);
  }

  public JobFolder events(String content) {
    return file("events.yaml", content);
  }

  public Path path() {
    return dir;
  }
}
