package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What replay --compare-to reports from two replays' outputs: counts, customers, examples. */
class ReplayComparisonTest {
  @TempDir Path dir;

  private JobDefinition job(String name, String audienceId) throws Exception {
    return JobLoader.load(JobFolder.in(dir.resolve(name))
        .pattern("failed", """
            id: payment-failed
            steps:
              - name: failed
                when: event.type == "payment.failed"
            """)
        .audience("trouble", """
            id: %s
            enter: [payment-failed]
            """.formatted(audienceId))
        .path());
  }

  @Test
  void shouldNameTheCustomersWhoWouldNewlyOrNoLongerEnterAndWhereTheyEnd() throws Exception {
    JobDefinition before = job("before", "payment-trouble");
    JobDefinition after = job("after", "payment-trouble");
    ReplayJob.Result was = result(
        change(1, "c-1", "payment-trouble ENTERED"), change(2, "c-2", "payment-trouble ENTERED"),
        change(3, "c-2", "payment-trouble EXITED"), change(4, "c-3", "payment-trouble ENTERED"));
    ReplayJob.Result now = result(
        change(1, "c-1", "payment-trouble ENTERED"), change(2, "c-1", "payment-trouble EXTENDED"),
        change(5, "c-2", "payment-trouble ENTERED"), change(6, "c-4", "payment-trouble ENTERED"),
        change(7, "c-4", "payment-trouble EXITED"));

    ReplayComparison comparison = ReplayComparison.of(before, was, after, now);

    assertThat(print(comparison)).containsSubsequence(
        "Audiences: entries                          before     after    change",
        "  payment-trouble                                3         3         0",
        "    would newly enter: 1 customer (e.g. c-4)",
        "    would no longer enter: 1 customer (e.g. c-3)",
        "    newly a member at the end: 1 customer (e.g. c-2)",
        "    no longer a member at the end: 1 customer (e.g. c-3)",
        "In all: 1 changed, 3 customers affected.");
  }

  @Test
  void shouldMarkIdsOfOneVersionAndGiveAtMostThreeExamplesInOrder() throws Exception {
    JobDefinition before = job("before", "payment-trouble");
    JobDefinition after = job("after", "billing-trouble");
    List<OutputLine> entries = new ArrayList<>();
    for (String customer : List.of("c-5", "c-1", "c-4", "c-2", "c-3")) {
      entries.add(change(1, customer, "billing-trouble ENTERED"));
    }

    ReplayComparison comparison = ReplayComparison.of(before, result(),
        after, result(entries.toArray(OutputLine[]::new)));

    assertThat(print(comparison)).containsSubsequence(
        "  billing-trouble (new)                          0         5        +5",
        "    would newly enter: 5 customers (e.g. c-1, c-2, c-3)",
        "    newly a member at the end: 5 customers (e.g. c-1, c-2, c-3)",
        "  payment-trouble (removed)                      0         0         0");
    assertThat(comparison.changedItems()).isEqualTo(2);
  }

  @Test
  void shouldSayThereAreNoDifferencesWhenEverythingDecidesTheSame() throws Exception {
    JobDefinition job = job("same", "payment-trouble");
    ReplayJob.Result result = result(change(1, "c-1", "payment-trouble ENTERED"));

    ReplayComparison comparison = ReplayComparison.of(job, result, job, result);

    assertThat(print(comparison)).contains(
        "  payment-trouble                                1         1         =",
        "No differences: every pattern, audience and policy decides the same.");
    assertThat(comparison.affectedCustomers()).isEmpty();
  }

  private static String print(ReplayComparison comparison) {
    StringWriter text = new StringWriter();
    comparison.print(new PrintWriter(text), "before", "after");
    return text.toString();
  }

  private static OutputLine change(long time, String customer, String label) {
    return OutputLine.newBuilder().setKind(OutputLines.AUDIENCE_CHANGES).setTime(time)
        .setCustomerId(customer).setId(customer + time).setLabel(label).setReadable("").setJson("{}").build();
  }

  private static ReplayJob.Result result(OutputLine... changes) {
    return new ReplayJob.Result(Map.of(OutputLines.AUDIENCE_CHANGES, List.of(changes)), 0,
        Instant.EPOCH, Map.of(), Map.of(), 0, 0, Optional.empty(), Optional.empty());
  }
}
