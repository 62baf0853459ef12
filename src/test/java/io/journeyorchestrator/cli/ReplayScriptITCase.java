package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.testing.Scripts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.util.FileUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's replay of the demo job is what scripts/replay.sh prints and writes for it. */
class ReplayScriptITCase {
  @TempDir Path out;

  /** The README's example summary, without its first line (timing and paths) and elisions. */
  private static List<String> documentedSummary() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    int start = readme.indexOf("```\nReplayed jobs/telecom-demo");
    assertThat(start).as("the README shows the demo replay's summary").isPositive();
    int end = readme.indexOf("```", start + 3);
    return Arrays.stream(readme.substring(start + 4, end).split("\n"))
        .skip(1)
        .filter(line -> !line.isBlank() && !line.trim().equals("..."))
        .toList();
  }

  @Test
  void shouldPrintTheSummaryTheReadmeDocumentsForTheDemoJob() throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(3), "scripts/replay.sh",
        "--job", "jobs/telecom-demo", "--events", "jobs/telecom-demo/recorded-events.jsonl",
        "--out", out.toString(), "--readable");

    assertThat(result.exitCode()).as(result.output()).isZero();
    List<String> lines = result.output().lines().toList();
    assertThat(lines).anyMatch(line -> line.startsWith("Replayed ")
        && line.contains("jobs/telecom-demo over ")
        && line.contains("jobs/telecom-demo/recorded-events.jsonl in "));
    List<String> documented = documentedSummary();
    assertThat(documented).hasSizeGreaterThan(10);
    assertThat(lines).containsSubsequence(documented);
    for (String file : List.of("matches", "audience-changes", "suppressions", "decisions",
        "dead-letters", "late-events")) {
      // --readable: one readable line per JSON line.
      assertThat(Files.readAllLines(out.resolve(file + ".txt")))
          .hasSameSizeAs(Files.readAllLines(out.resolve(file + ".jsonl")));
    }
    assertThat(Files.readAllLines(out.resolve("audience-changes.txt")).get(0)).isEqualTo(
        "2026-03-02T00:11:27Z  c-000247  ENTERED   open-support-case          "
            + "pattern:support-case-opened  (expires 2026-04-01T00:11:27Z)");
    // The entries, extensions and exits the summary counts, one line each.
    assertThat(Files.readAllLines(out.resolve("audience-changes.jsonl"))).hasSize(945 + 523 + 804);
  }

  @Test
  void shouldReportWhatAnEditOfTheDemoJobChanges() throws Exception {
    Path edited = out.resolve("edited");
    FileUtils.copy(new org.apache.flink.core.fs.Path(Path.of("jobs/telecom-demo").toUri()),
        new org.apache.flink.core.fs.Path(edited.toUri()), false);
    Path audience = edited.resolve("audiences/trade-in-offer.yaml");
    String narrowed = Files.readString(audience).replace("""
        enterWhen: >-
          profile.tier == "gold" ||
          (has(profile.tenureMonths) && profile.tenureMonths >= 24)""",
        "enterWhen: profile.tier == \"gold\"");
    assertThat(narrowed).as("the edit applies").contains("enterWhen: profile.tier == \"gold\"\n");
    Files.writeString(audience, narrowed);
    Path outputs = out.resolve("outputs");

    Scripts.Result result = Scripts.run(Duration.ofMinutes(3), "scripts/replay.sh",
        "--job", edited.toString(), "--compare-to", "jobs/telecom-demo",
        "--events", "jobs/telecom-demo/recorded-events.jsonl", "--out", outputs.toString());

    assertThat(result.exitCode()).as(result.output()).isZero();
    // Only the narrowed audience changes: no customer newly enters, some no longer do.
    List<String> lines = result.output().lines().toList();
    assertThat(lines).containsSubsequence(
        "  trade-in-offer                                37        13       -24",
        "In all: 1 changed, 24 customers affected.");
    assertThat(lines).noneMatch(line -> line.contains("would newly enter"));
    String lost = lines.stream().filter(line -> line.startsWith("    would no longer enter: 24"))
        .findFirst().orElseThrow();
    List<String> examples = Arrays.asList(
        lost.substring(lost.indexOf("(e.g. ") + 6, lost.length() - 1).split(", "));
    assertThat(examples).hasSize(3);
    for (String customer : examples) {
      String entry = "\"customerId\":\"" + customer + "\"";
      assertThat(Files.readAllLines(outputs.resolve("before/audience-changes.jsonl")))
          .anyMatch(line -> line.contains(entry) && line.contains("trade-in-offer"));
      assertThat(Files.readAllLines(outputs.resolve("audience-changes.jsonl")))
          .noneMatch(line -> line.contains(entry) && line.contains("trade-in-offer"));
    }
    assertThat(Files.readString(outputs.resolve("comparison.txt")))
        .contains("would no longer enter: 24 customers");
    assertThat(Files.readString(outputs.resolve("comparison.json")))
        .contains("\"affectedCustomers\" : 24");
  }
}
