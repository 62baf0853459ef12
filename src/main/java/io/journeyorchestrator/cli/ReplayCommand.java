package io.journeyorchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code replay}: what a job folder would have done on recorded events, as JSONL files. */
@Command(name = "replay", mixinStandardHelpOptions = true,
    description = "Run a job folder over a recorded events file (one JSON event per line) on a"
        + " local MiniCluster and write its outputs as JSON lines.")
final class ReplayCommand implements Callable<Integer> {
  /** Output files written on every run, empty or not, so a diff of two runs sees them all. */
  private static final List<String> OUTPUT_FILES = List.of(OutputLines.MATCHES,
      OutputLines.AUDIENCE_CHANGES, OutputLines.SUPPRESSIONS, OutputLines.DEAD_LETTERS,
      OutputLines.LATE_EVENTS);

  /** The files replay writes beside customer-state.jsonl: decisions only for a job with actions. */
  static List<String> outputFiles(JobDefinition job) {
    if (job.actions().isEmpty()) {
      return OUTPUT_FILES;
    }
    List<String> files = new ArrayList<>(OUTPUT_FILES);
    files.add(3, OutputLines.DECISIONS);
    return List.copyOf(files);
  }

  /** Each customer's state at the end, as a reader of the compacted current-state topic sees it. */
  static final String CURRENT_STATE_FILE = "customer-state.jsonl";
  /** With --compare-to: the folder, under the outputs, of the replay before the edit. */
  static final String BEFORE_FOLDER = "before";
  static final String COMPARISON_FILE = "comparison";

  @Mixin ReplayInputs inputs;

  @Option(names = "--out", required = true, description = "Folder for the output files")
  Path outDir;

  @Option(names = "--compare-to", description = "The job folder before an edit: it is replayed"
      + " over the same events too (its files in <out>/before/), and what the edit changes is"
      + " reported and written to comparison.txt and comparison.json")
  Path compareTo;

  @Option(names = "--readable", description = "Also write each output as readable lines"
      + " (<kind>.txt: ISO times, short ids), one line per line of its .jsonl")
  boolean readable;

  @Option(names = "--report", description = "Also write <out>/report.html: one page, opening"
      + " offline, with charts and tables of audience sizes, entries and exits, step funnels,"
      + " time in audience, completion and leakage, suppression coverage and data quality")
  boolean report;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<JobDefinition> job = inputs.load(err);
    if (job.isEmpty()) {
      return JourneyCli.INVALID;
    }
    Optional<JobDefinition> before = Optional.empty();
    if (compareTo != null) {
      before = ValidateCommand.loadOrReport(compareTo, err);
      if (before.isEmpty()) {
        return JourneyCli.INVALID;
      }
    }
    long started = System.nanoTime();
    ReplayJob.Result result = replay(job.get(), outDir);
    printSummary(out, job.get(), result,
        (System.nanoTime() - started) / 1_000_000);
    if (report) {
      Files.writeString(outDir.resolve(ReportPage.FILE), ReportPage.render(job.get(), result,
          "Replayed " + inputs.jobDir.getFileName() + " over " + inputs.eventsFile.getFileName()));
      out.println("Report in " + outDir.resolve(ReportPage.FILE));
      out.flush();
    }
    if (before.isPresent()) {
      ReplayJob.Result beforeResult = replay(before.get(), outDir.resolve(BEFORE_FOLDER));
      ReplayComparison comparison =
          ReplayComparison.of(before.get(), beforeResult, job.get(), result);
      StringWriter text = new StringWriter();
      comparison.print(new PrintWriter(text), compareTo.toString(),
          inputs.jobDir.toString());
      out.print(text);
      out.println("Comparison in " + outDir + "/: " + COMPARISON_FILE + ".txt, "
          + COMPARISON_FILE + ".json; the outputs before the edit in " + BEFORE_FOLDER + "/");
      out.flush();
      Files.writeString(outDir.resolve(COMPARISON_FILE + ".txt"), text.toString());
      new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(
          outDir.resolve(COMPARISON_FILE + ".json").toFile(),
          comparison.toJson(compareTo.toString(), inputs.jobDir.toString()));
    }
    return 0;
  }

  /** Replays one job folder over the events and writes its output files to the folder. */
  private ReplayJob.Result replay(JobDefinition job, Path folder) throws Exception {
    ReplayJob.Result result = LocalReplays.run(job, null, report, inputs.parallelism,
        inputs.eventsFile, inputs.untilOptional(), folder);
    for (String kind : outputFiles(job)) {
      write(folder.resolve(kind + ".jsonl"), result.of(kind), OutputLine::getJson);
      if (readable) {
        write(folder.resolve(kind + ".txt"), result.of(kind), OutputLine::getReadable);
      }
    }
    write(folder.resolve(CURRENT_STATE_FILE), result.currentStates(), OutputLine::getJson);
    if (readable) {
      write(folder.resolve(CURRENT_STATE_FILE.replace(".jsonl", ".txt")), result.currentStates(),
          OutputLine::getReadable);
    }
    return result;
  }

  private static void write(Path file, List<OutputLine> lines,
      Function<OutputLine, String> text) throws IOException {
    try (BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (OutputLine line : lines) {
        writer.write(text.apply(line));
        writer.newLine();
      }
    }
  }

  private void printSummary(PrintWriter out, JobDefinition job, ReplayJob.Result result,
      long millis) {
    out.printf("Replayed %s over %s in %.1f s (time stopped at %s)%n", inputs.jobDir,
        inputs.eventsFile,
        millis / 1000.0, result.endOfTime());
    ReplaySummary.print(out, job, result,
        inputs.until == null ? null : result.of(OutputLines.AFTER_END).size());
    out.println("Outputs in " + outDir + "/: " + String.join(", ",
        outputFiles(job).stream().map(k -> k + ".jsonl").toList()) + ", " + CURRENT_STATE_FILE);
    out.flush();
  }
}
