package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's numbers from replay outputs: per day, time in audience, outcomes; the page. */
class ReportFiguresTest {
  private static final long HOUR = 3_600_000;
  private static final long DAY = 24 * HOUR;
  /** 2026-03-02T00:00:00Z */
  private static final long START = Instant.parse("2026-03-02T00:00:00Z").toEpochMilli();

  @TempDir Path dir;

  private JobDefinition job() throws Exception {
    return JobLoader.load(JobFolder.in(dir)
        .pattern("bought", pattern("device-not-activated"))
        .pattern("activated", pattern("device-activated"))
        .pattern("case", pattern("support-case-opened"))
        .audience("help", """
            id: activation-help
            enter: [device-not-activated]
            exit: [device-activated]
            outcomes:
              completed: [device-activated]
              leaked: [support-case-opened]
            """)
        .path());
  }

  private static String pattern(String id) {
    return """
        id: %s
        steps:
          - name: only
            when: event.type == "x"
        """.formatted(id);
  }

  @Test
  void shouldTellHowEachStayEndedAndHowLongItLasted() throws Exception {
    ReplayJob.Result result = result(START + 3 * DAY, List.of(
        // a: entered day 0, activated 2 h later: completed, stay < 6 h
        change(START, "a", "ENTERED", "pattern:device-not-activated"),
        match(START + 2 * HOUR, "a", "device-activated"),
        change(START + 2 * HOUR, "a", "EXITED", "pattern:device-activated"),
        // b: entered day 0, opened a case on day 1 and is still in: leaked
        change(START + HOUR, "b", "ENTERED", "pattern:device-not-activated"),
        match(START + DAY + HOUR, "b", "support-case-opened"),
        // c: entered day 1, expired day 2 without an outcome
        change(START + DAY, "c", "ENTERED", "pattern:device-not-activated"),
        change(START + 2 * DAY + 5 * HOUR, "c", "EXITED", "expired"),
        // d: opened a case before entering (does not count), still in with no outcome
        match(START + 2 * DAY, "d", "support-case-opened"),
        change(START + 2 * DAY + HOUR, "d", "ENTERED", "pattern:device-not-activated")));

    ReportFigures figures = ReportFigures.of(job(), result);

    assertThat(figures.days).hasSize(4);
    ReportFigures.AudienceFigures help = figures.audiences.get(0);
    assertThat(help.outcomes()).isEqualTo(new ReportFigures.Outcomes(4, 1, 1, 1, 1));
    assertThat(help.membersPerDay()).containsExactly(1, 2, 2, 2);
    assertThat(help.enteredPerDay().get("pattern:device-not-activated"))
        .containsExactly(2, 1, 1, 0);
    assertThat(help.exitedPerDay().get("expired")).containsExactly(0, 0, 1, 0);
    assertThat(help.finishedStays()).as("2 h, and 1 d 5 h")
        .containsExactly(0, 1, 0, 1, 0, 0, 0, 0);
    assertThat(help.stillIn()).isEqualTo(2);
    assertThat(figures.patterns.get(2).matchesPerDay()).containsExactly(0, 1, 1, 0);
  }

  @Test
  void shouldEscapeTextFromTheDataAndKeepItOutOfTheScripts() throws Exception {
    OutputLine deadLetter = OutputLine.newBuilder().setKind(OutputLines.DEAD_LETTERS)
        .setTime(START).setCustomerId("").setId("f:1").setLabel("")
        .setReadable("").setJson("{\"error\":\"<script>alert(1)</script>: bad\"}").build();
    ReplayJob.Result result = new ReplayJob.Result(Map.of(OutputLines.DEAD_LETTERS,
        List.of(deadLetter)), 1, Instant.ofEpochMilli(START), Map.of(), Map.of(), 0, 0,
        Optional.empty(), Optional.empty());

    String html = ReportPage.render(job(), result, "Replayed <job>");
    Document page = Jsoup.parse(html);

    assertThat(page.select("td").eachText()).contains("<script>alert(1)</script>");
    assertThat(page.select("script")).as("the chart library, the data, the renderer")
        .hasSize(3);
    assertThat(page.select("script#report-data").html()).doesNotContain("</");
    assertThat(page.select("p.note").eachText()).anyMatch(t -> t.contains("Flink CEP"));
  }

  private static ReplayJob.Result result(long end, List<OutputLine> lines) {
    List<OutputLine> changes = lines.stream()
        .filter(l -> l.getKind().equals(OutputLines.AUDIENCE_CHANGES)).toList();
    List<OutputLine> matches = lines.stream()
        .filter(l -> l.getKind().equals(OutputLines.MATCHES)).toList();
    return new ReplayJob.Result(Map.of(OutputLines.AUDIENCE_CHANGES, changes,
        OutputLines.MATCHES, matches), lines.size(), Instant.ofEpochMilli(end), Map.of(),
        Map.of(), 0, 0, Optional.empty(), Optional.empty());
  }

  private static OutputLine change(long time, String customer, String change, String reason) {
    return OutputLine.newBuilder().setKind(OutputLines.AUDIENCE_CHANGES).setTime(time)
        .setCustomerId(customer).setId(customer + time)
        .setLabel("activation-help " + change).setReadable("")
        .setJson("{\"reason\":\"" + reason + "\"}").build();
  }

  private static OutputLine match(long time, String customer, String pattern) {
    return OutputLine.newBuilder().setKind(OutputLines.MATCHES).setTime(time)
        .setCustomerId(customer).setId(customer + time).setLabel(pattern).setReadable("")
        .setJson("{}").build();
  }
}
