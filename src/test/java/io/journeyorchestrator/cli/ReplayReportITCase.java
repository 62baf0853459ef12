package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.testing.HeadlessBrowser;
import io.journeyorchestrator.testing.Scripts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * replay.sh --report on the demo job, opened in a real headless Chromium with the network off:
 * no console messages, every chart renders from the bundled library, every number the summary
 * prints is the same in the report; a screenshot goes to target/report-screenshot.png.
 */
class ReplayReportITCase {
  private static final Pattern ROW = Pattern.compile("^  (\\S+)((?:\\s+[\\d,]+)+)\\s*(\\(.*)?$");

  @TempDir Path out;

  @Test
  void shouldWriteAReportThatRendersOfflineWithTheSummarysNumbers() throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(3), "scripts/replay.sh",
        "--job", "jobs/telecom-demo", "--events", "jobs/telecom-demo/recorded-events.jsonl",
        "--out", out.toString(), "--report");
    assertThat(result.exitCode()).isZero();
    Path report = out.resolve("report.html");
    assertThat(result.output()).contains("Report in " + report);

    String html = Files.readString(report, StandardCharsets.UTF_8);
    Document file = Jsoup.parse(html);
    assertThat(file.select("script[src], link[href], img[src], iframe"))
        .as("one self-contained file: nothing loaded from elsewhere").isEmpty();

    HeadlessBrowser.Page loaded = HeadlessBrowser.load(report);
    assertThat(loaded.console()).as("console messages, errors included").isEmpty();
    Document page = Jsoup.parse(loaded.dom());
    List<Element> charts = page.select("div.chart");
    assertThat(charts).hasSizeGreaterThan(10);
    assertThat(page.body().attr("data-charts-rendered")).isEqualTo(String.valueOf(charts.size()));
    for (Element chart : charts) {
      assertThat(chart.select("svg path").size()).as(chart.id() + " drawn")
          .isGreaterThan(5);
    }

    Path screenshot = Path.of("target", "report-screenshot.png");
    HeadlessBrowser.screenshot(report, screenshot, 3000);
    System.out.println("A screenshot of the report's first 3000 px: " + screenshot);

    Map<String, String> summary = summaryFigures(result.output());
    Map<String, String> figures = new HashMap<>();
    page.select("[data-figure]").forEach(e -> figures.put(e.attr("data-figure"), e.text()));
    for (String fact : List.of("lines read", "dead letters", "late events",
        "duplicates dropped")) {
      assertThat(figures.get(fact.replace(' ', '-'))).as(fact).isEqualTo(summary.get(fact));
    }
    for (String pattern : List.of("calls-after-failed-payment", "device-not-activated",
        "repeated-calls", "support-case-opened")) {
      assertThat(figures.get("pattern:" + pattern + ":matches")).as(pattern)
          .isEqualTo(summary.get(pattern + " 1"));
    }
    for (String audience : List.of("activation-help", "open-support-case", "payment-trouble",
        "trade-in-offer")) {
      String[] columns = {"entered", "extended", "exited", "at-end"};
      for (int c = 0; c < columns.length; c++) {
        assertThat(figures.get("audience:" + audience + ":" + columns[c]))
            .as(audience + " " + columns[c]).isEqualTo(summary.get(audience + " " + (c + 1)));
      }
      assertThat(figures.get("audience:" + audience + ":still-in")).as(audience + " still in")
          .isEqualTo(summary.get(audience + " 4"));
    }
    for (String policy : List.of("no-marketing-during-support", "no-upsell-before-activation")) {
      assertThat(figures.get("suppression:" + policy + ":suppress"))
          .isEqualTo(summary.get(policy + " 1"));
      assertThat(figures.get("suppression:" + policy + ":release"))
          .isEqualTo(summary.get(policy + " 2"));
    }

    // A funnel ends with the customers the pattern matched, and narrows on the way.
    Map<String, Integer> funnel = new HashMap<>();
    figures.forEach((name, text) -> {
      if (name.startsWith("funnel:repeated-calls:")) {
        funnel.put(name, number(text));
      }
    });
    assertThat(funnel).hasSize(4);
    assertThat(funnel.get("funnel:repeated-calls:3"))
        .isEqualTo(number(figures.get("pattern:repeated-calls:customers")));
    assertThat(funnel.get("funnel:repeated-calls:0"))
        .isGreaterThan(funnel.get("funnel:repeated-calls:1"));
    assertThat(funnel.get("funnel:repeated-calls:1"))
        .isGreaterThanOrEqualTo(funnel.get("funnel:repeated-calls:2"));
    assertThat(figures.get("funnel:device-not-activated:1"))
        .isEqualTo(figures.get("pattern:device-not-activated:customers"));

    // Every stay of activation-help ended one way, or is still going.
    int stays = number(figures.get("outcomes:activation-help:stays"));
    assertThat(stays).isEqualTo(number(summary.get("activation-help 1")));
    int completed = number(figures.get("outcomes:activation-help:completed"));
    assertThat(completed).as("activation completes the journey").isPositive();
    assertThat(completed + number(figures.get("outcomes:activation-help:leaked"))
        + number(figures.get("outcomes:activation-help:ended-otherwise"))
        + number(figures.get("outcomes:activation-help:still-in"))).isEqualTo(stays);
    assertThat(number(figures.get("outcomes:activation-help:still-in")))
        .as("members at the end with no outcome yet: a leaked stay may still be going")
        .isLessThanOrEqualTo(number(summary.get("activation-help 4")));
  }

  /**
   * The summary's figures: "lines read" and the like by name, and table rows as "{@code <id>
   * <column>}" (columns from 1).
   */
  private static Map<String, String> summaryFigures(String output) {
    Map<String, String> figures = new HashMap<>();
    for (String line : output.lines().toList()) {
      Matcher fact = Pattern.compile("^  ([a-z ]+?)\\s{2,}([\\d,]+)").matcher(line);
      if (fact.find()) {
        figures.put(fact.group(1), fact.group(2));
      }
      Matcher row = ROW.matcher(line);
      if (row.matches()) {
        String[] numbers = row.group(2).trim().split("\\s+");
        for (int c = 0; c < numbers.length; c++) {
          figures.putIfAbsent(row.group(1) + " " + (c + 1), numbers[c]);
        }
      }
    }
    return figures;
  }

  private static int number(String text) {
    return Integer.parseInt(text.split(" ")[0].replace(",", ""));
  }
}
