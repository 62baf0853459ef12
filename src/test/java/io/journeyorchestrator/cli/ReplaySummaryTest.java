package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.diagnostics.ErrorTally.Entry;
import io.journeyorchestrator.diagnostics.ErrorTally.Sample;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay's summary marks patterns, audiences and suppressions that never fired and lists failed
 * conditions under their step or audience, aligned in columns.
 */
class ReplaySummaryTest {
  private static final long BEGINNING = Instant.parse("2026-03-02T09:00:00Z").toEpochMilli();

  @TempDir Path dir;

  @Test
  void shouldMarkWhatNeverFiredAndListFailedConditionsUnderTheirStepOrAudience()
      throws Exception {
    JobDefinition job = JobLoader.load(JobFolder.in(dir)
        .pattern("failed", """
            id: payment-failed
            steps:
              - name: failed
                when: event.type == "payment.failed"
            """)
        .pattern("calls", """
            id: calls-after-failed-payment
            steps:
              - name: failed
                when: event.type == "payment.failed"
              - name: calls
                when: event.type == "call.inbound" && event.attributes.minutes > 10
                times: "2+"
            within: 3h
            """)
        .audience("trouble", """
            id: payment-trouble
            enter: [payment-failed]
            enterWhen: profile.tier == "gold"
            """)
        .audience("callers", """
            id: callers
            enter: [calls-after-failed-payment]
            """)
        .suppression("quiet", """
            id: quiet
            while: [payment-trouble]
            """)
        .suppression("silent", """
            id: silent
            while: [callers]
            """)
        .path());
    Map<String, List<OutputLine>> outputs = Map.of(
        OutputLines.MATCHES, lines(OutputLines.MATCHES, Stream.of("payment-failed"), 1234),
        OutputLines.AUDIENCE_CHANGES, lines(OutputLines.AUDIENCE_CHANGES,
            Stream.of("payment-trouble ENTERED", "payment-trouble EXITED"), 3),
        OutputLines.SUPPRESSIONS, lines(OutputLines.SUPPRESSIONS, Stream.of("quiet SUPPRESS"), 2));
    ReplayJob.Result result = new ReplayJob.Result(outputs, 9_820,
        Instant.ofEpochMilli(BEGINNING),
        Map.of("calls-after-failed-payment/calls", new Entry(1_200, new Sample(
            "calls-after-failed-payment/calls", BEGINNING, "e-123",
            "evaluation error at <input>:51: key 'minutes' is not present in map."))),
        Map.of("payment-trouble", new Entry(7, new Sample("payment-trouble", BEGINNING, "e-9",
            "evaluation error at <input>:7: key 'tier' is not present in map."))),
        2, 40, Optional.empty(), Optional.empty());

    StringWriter text = new StringWriter();
    ReplaySummary.print(new PrintWriter(text), job, result, null);

    assertThat(text.toString().lines()).containsExactly(
        "  lines read          9,820",
        "  dead letters        0",
        "  late events         0",
        "  duplicates dropped  2",
        "  unused types        40 (events no pattern can use, skipped)",
        "  condition errors    1,207 (each counted as false; see below)",
        "Patterns                                   matches",
        "  calls-after-failed-payment                     0  (never matched)",
        "    step calls: condition errors 1,200 (first: evaluation error at <input>:51: key"
            + " 'minutes' is not present in map, event e-123)",
        "  payment-failed                             1,234",
        "Audiences                                  entered  extended    exited    at end",
        "  callers                                        0         0         0         0  (nobody"
            + " entered)",
        "  payment-trouble                                3         0         3         0",
        "    enterWhen: condition errors 7 (first: evaluation error at <input>:7: key 'tier' is"
            + " not present in map, event e-9)",
        "Suppressions                              suppress   release",
        "  quiet                                          2         0",
        "  silent                                         0         0  (never suppressed)");
  }

  /** {@code times} lines for each label. */
  private static List<OutputLine> lines(String kind, Stream<String> labels, int times) {
    return labels.flatMap(label -> IntStream.range(0, times).mapToObj(i -> OutputLine.newBuilder()
            .setKind(kind).setTime(BEGINNING).setCustomerId("c-" + i).setId(label + i)
            .setLabel(label).setReadable("").setJson("{}").build()))
        .toList();
  }
}
