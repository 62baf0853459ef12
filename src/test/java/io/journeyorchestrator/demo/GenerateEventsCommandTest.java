package io.journeyorchestrator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.io.JsonEventCodec;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** generate-events writes replayable lines, the same file for the same options, and a summary. */
class GenerateEventsCommandTest {
  @TempDir Path dir;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    return new CommandLine(new GenerateEventsCommand()).setOut(new PrintWriter(out))
        .setErr(new PrintWriter(err)).execute(args);
  }

  @Test
  void shouldWriteTheRequestedNumberOfReplayableEvents() throws Exception {
    Path file = dir.resolve("events.jsonl");

    int exit = run("--customers", "50", "--events", "3000", "--out", file.toString());

    assertThat(exit).as(err.toString()).isZero();
    List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    assertThat(lines).hasSize(3000);
    for (String line : lines) {
      JsonEventCodec.parse(line);
    }
    assertThat(out.toString()).contains("Wrote 3,000 events", "customers       50 with events",
        "profile.updated");
  }

  @Test
  void shouldWriteTheSameFileForTheSameOptions() throws Exception {
    Path a = dir.resolve("a.jsonl");
    Path b = dir.resolve("b.jsonl");

    run("--customers", "100", "--duration", "2d", "--seed", "7", "--out", a.toString());
    run("--customers", "100", "--duration", "2d", "--seed", "7", "--out", b.toString());

    assertThat(Files.readAllBytes(a)).isNotEmpty().isEqualTo(Files.readAllBytes(b));
  }

  @Test
  void shouldStopAtWhicheverLimitComesFirst() throws Exception {
    Path file = dir.resolve("events.jsonl");

    run("--customers", "100", "--duration", "1h", "--events", "1000000", "--out", file.toString());

    assertThat(Files.readAllLines(file)).hasSizeBetween(100, 1000);
  }

  @Test
  void shouldRefuseToWriteForeverToAFile() {
    int exit = run("--out", dir.resolve("events.jsonl").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("--events N and/or --duration D");
  }

  @Test
  void shouldRejectABadDuration() {
    int exit = run("--duration", "7 days", "--out", dir.resolve("events.jsonl").toString());

    assertThat(exit).isEqualTo(2);
    assertThat(err.toString()).contains("'7 days' is not a duration");
  }
}
