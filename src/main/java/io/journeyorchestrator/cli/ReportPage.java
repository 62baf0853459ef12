package io.journeyorchestrator.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.engine.StepFunnels;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.jsoup.nodes.DataNode;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * replay's report.html: one self-contained page (the chart library is inlined from its webjar,
 * so it opens offline) with a table beside every chart, so numbers can be copied. Each number the
 * summary also prints carries a {@code data-figure} attribute naming it. jsoup builds the page,
 * so every text from the data is escaped.
 */
final class ReportPage {
  static final String FILE = "report.html";
  /** The chart library, as the echarts webjar of the pom packs it. */
  static final String CHART_LIBRARY = "META-INF/resources/webjars/echarts/5.3.1/dist/echarts.min.js";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String STYLE = """
      body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;color:#222}
      h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
      table{border-collapse:collapse;margin:.5em 0 1em}
      th,td{border:1px solid #ddd;padding:.2em .6em}td.n{text-align:right}
      th{background:#f4f4f4;text-align:left}
      .pair{display:flex;gap:1.5em;align-items:flex-start;flex-wrap:wrap}
      .chart{width:40em;height:18em;flex:none}
      .note{color:#666;font-size:.9em}
      """;
  private static final String RENDER = """
      (function () {
        var data = JSON.parse(document.getElementById('report-data').textContent);
        var rendered = 0;
        data.charts.forEach(function (c) {
          var el = document.getElementById(c.id);
          if (!el) { return; }
          var horizontal = c.type === 'hbar';
          var categories = {type: 'category', data: c.x, inverse: horizontal};
          var values = {type: 'value', minInterval: 1};
          echarts.init(el, null, {renderer: 'svg'}).setOption({
            animation: false,
            title: {text: c.title, textStyle: {fontSize: 13}},
            tooltip: {trigger: 'axis'},
            legend: {top: 22, type: 'scroll'},
            grid: {top: 60, left: horizontal ? 170 : 50, right: 20, bottom: 30},
            xAxis: horizontal ? values : categories,
            yAxis: horizontal ? categories : values,
            series: c.series.map(function (s) {
              return {name: s.name, type: horizontal ? 'bar' : c.type, data: s.data,
                stack: c.stacked ? 'all' : undefined, showSymbol: false};
            })
          });
          rendered++;
        });
        document.body.setAttribute('data-charts-rendered', String(rendered));
      })();
      """;

  private final JobDefinition job;
  private final ReplayJob.Result result;
  private final ReportFigures figures;
  private final ArrayNode charts = JSON.createArrayNode();
  private final List<String> days = new ArrayList<>();

  private ReportPage(JobDefinition job, ReplayJob.Result result) {
    this.job = job;
    this.result = result;
    this.figures = ReportFigures.of(job, result);
    figures.days.forEach(day -> days.add(day.toString()));
  }

  /** The page, as HTML. */
  static String render(JobDefinition job, ReplayJob.Result result, String replayed) {
    return new ReportPage(job, result).document(replayed).outerHtml();
  }

  private Document document(String replayed) {
    Document page = Document.createShell("");
    page.title("Journey report: " + job.settings().name());
    page.head().prependElement("meta").attr("charset", "utf-8");
    page.head().appendElement("style").appendChild(new DataNode(STYLE));
    page.head().appendElement("script").appendChild(new DataNode(chartLibrary()));
    Element body = page.body();
    body.appendElement("h1").text("Journey report: " + job.settings().name());
    body.appendElement("p").text(replayed + "; time stopped at " + result.endOfTime()
        + ". Days are UTC days.");
    dataQuality(body);
    audiences(body);
    patterns(body);
    suppressions(body);
    String data = JSON.createObjectNode().set("charts", charts).toString()
        // Inside a script element "</" could end it; "<" only occurs inside JSON strings.
        .replace("<", "\\u003c");
    body.appendElement("script").attr("type", "application/json").id("report-data")
        .appendChild(new DataNode(data));
    body.appendElement("script").appendChild(new DataNode(RENDER));
    return page;
  }

  private void dataQuality(Element body) {
    body.appendElement("h2").id("data-quality").text("Data quality");
    Element table = table(body, "Input", "count");
    long conditionErrors = total(result.conditionErrors()) + total(result.enterWhenErrors());
    row(table, "lines read", "lines-read", result.linesRead());
    row(table, "dead letters", "dead-letters", result.of(OutputLines.DEAD_LETTERS).size());
    row(table, "late events", "late-events", result.of(OutputLines.LATE_EVENTS).size());
    row(table, "duplicates dropped", "duplicates-dropped", result.duplicatesDropped());
    row(table, "unused types (events no pattern can use)", "unused-types",
        result.unusedDropped());
    row(table, "condition errors (each counted as false)", "condition-errors", conditionErrors);
    result.catalogCheck().ifPresent(check -> check.tallies().forEach((finding, tally) ->
        row(table, "events.yaml: " + finding.label(), "catalog:" + finding.label(),
            tally.count())));
    if (!figures.deadLettersByError.isEmpty()) {
      Element errors = table(body, "Dead letters by error", "count");
      figures.deadLettersByError.forEach((error, count) ->
          row(errors, error, null, count));
    }
  }

  private void audiences(Element body) {
    body.appendElement("h2").id("audiences").text("Audiences");
    Element pair = body.appendElement("div").addClass("pair");
    Element totals = table(pair, "Audience", "entered", "extended", "exited", "at end");
    List<ObjectNode> sizes = new ArrayList<>();
    for (ReportFigures.AudienceFigures audience : figures.audiences) {
      Element tr = totals.appendElement("tr");
      tr.appendElement("td").text(audience.id());
      number(tr, "audience:" + audience.id() + ":entered", audience.entered());
      number(tr, "audience:" + audience.id() + ":extended", audience.extended());
      number(tr, "audience:" + audience.id() + ":exited", audience.exited());
      number(tr, "audience:" + audience.id() + ":at-end", audience.atEnd());
      sizes.add(series(audience.id(), audience.membersPerDay()));
    }
    chart(pair, "chart-audience-sizes", "Members at the end of each day", "line", false, days,
        sizes);
    dailyTable(body, "Members at the end of each day", figures.audiences.stream()
        .map(ReportFigures.AudienceFigures::id).toList(),
        figures.audiences.stream().map(ReportFigures.AudienceFigures::membersPerDay).toList());

    for (ReportFigures.AudienceFigures audience : figures.audiences) {
      body.appendElement("h3").text(audience.id() + ": entries and exits per day, by reason");
      Element row = body.appendElement("div").addClass("pair");
      Element reasons = table(row, "Reason", "entries", "exits");
      List<ObjectNode> series = new ArrayList<>();
      List<String> names = new ArrayList<>();
      List<int[]> columns = new ArrayList<>();
      audience.enteredPerDay().forEach((reason, perDay) -> {
        series.add(series("entered: " + reason, perDay));
        names.add("entered: " + reason);
        columns.add(perDay);
        Element tr = reasons.appendElement("tr");
        tr.appendElement("td").text(reason);
        number(tr, null, sum(perDay));
        number(tr, null, sum(audience.exitedPerDay().getOrDefault(reason, new int[0])));
      });
      audience.exitedPerDay().forEach((reason, perDay) -> {
        int[] negative = new int[perDay.length];
        for (int d = 0; d < perDay.length; d++) {
          negative[d] = -perDay[d];
        }
        series.add(series("exited: " + reason, negative));
        names.add("exited: " + reason);
        columns.add(perDay);
        if (!audience.enteredPerDay().containsKey(reason)) {
          Element tr = reasons.appendElement("tr");
          tr.appendElement("td").text(reason);
          number(tr, null, 0);
          number(tr, null, sum(perDay));
        }
      });
      chart(row, "chart-audience-changes-" + audience.id(),
          audience.id() + ": entries (up) and exits (down) per day", "bar", true, days, series);
      dailyTable(body, audience.id() + " per day", names, columns);
    }

    body.appendElement("h3").text("Time in audience (stays that ended)");
    Element stayPair = body.appendElement("div").addClass("pair");
    List<String> header = new ArrayList<>(List.of("Audience"));
    header.addAll(ReportFigures.STAY_LABELS);
    header.add("still in at the end");
    Element stays = table(stayPair, header.toArray(String[]::new));
    List<ObjectNode> staySeries = new ArrayList<>();
    for (ReportFigures.AudienceFigures audience : figures.audiences) {
      Element tr = stays.appendElement("tr");
      tr.appendElement("td").text(audience.id());
      for (int count : audience.finishedStays()) {
        number(tr, null, count);
      }
      number(tr, "audience:" + audience.id() + ":still-in", audience.stillIn());
      staySeries.add(series(audience.id(), audience.finishedStays()));
    }
    chart(stayPair, "chart-time-in-audience", "Stays that ended, by time in the audience", "bar",
        false, ReportFigures.STAY_LABELS, staySeries);

    body.appendElement("h3").id("outcomes").text("Completion and leakage");
    List<ReportFigures.AudienceFigures> judged = figures.audiences.stream()
        .filter(a -> a.outcomes() != null).toList();
    if (judged.isEmpty()) {
      body.appendElement("p").addClass("note").text("No audience names outcome patterns;"
          + " add 'outcomes: {completed: [...], leaked: [...]}' to an audience to see them.");
      return;
    }
    body.appendElement("p").addClass("note").text("A stay completed or leaked when the first"
        + " match of an outcome pattern from its entry up to its exit (or the end, for a stay"
        + " still going) is of that kind; a stay without one ended otherwise (expired, erased,"
        + " another exit) or is still going.");
    Element outcomePair = body.appendElement("div").addClass("pair");
    Element outcomes = table(outcomePair, "Audience", "stays", "completed", "leaked",
        "ended otherwise", "still in, no outcome yet");
    List<String> names = judged.stream().map(ReportFigures.AudienceFigures::id).toList();
    int[][] columns = new int[4][judged.size()];
    for (int a = 0; a < judged.size(); a++) {
      ReportFigures.Outcomes o = judged.get(a).outcomes();
      String id = judged.get(a).id();
      Element tr = outcomes.appendElement("tr");
      tr.appendElement("td").text(id);
      number(tr, "outcomes:" + id + ":stays", o.stays());
      share(tr, "outcomes:" + id + ":completed", o.completed(), o.stays());
      share(tr, "outcomes:" + id + ":leaked", o.leaked(), o.stays());
      share(tr, "outcomes:" + id + ":ended-otherwise", o.endedOtherwise(), o.stays());
      share(tr, "outcomes:" + id + ":still-in", o.stillIn(), o.stays());
      columns[0][a] = o.completed();
      columns[1][a] = o.leaked();
      columns[2][a] = o.endedOtherwise();
      columns[3][a] = o.stillIn();
    }
    chart(outcomePair, "chart-outcomes", "How stays ended", "hbar", true, names, List.of(
        series("completed", columns[0]), series("leaked", columns[1]),
        series("ended otherwise", columns[2]), series("still in, no outcome yet", columns[3])));
  }

  private void patterns(Element body) {
    body.appendElement("h2").id("patterns").text("Patterns");
    Element pair = body.appendElement("div").addClass("pair");
    Element totals = table(pair, "Pattern", "matches", "customers");
    List<ObjectNode> perDay = new ArrayList<>();
    for (ReportFigures.PatternFigures pattern : figures.patterns) {
      Element tr = totals.appendElement("tr");
      tr.appendElement("td").text(pattern.id());
      number(tr, "pattern:" + pattern.id() + ":matches", pattern.matches());
      number(tr, "pattern:" + pattern.id() + ":customers", pattern.customers());
      perDay.add(series(pattern.id(), pattern.matchesPerDay()));
    }
    chart(pair, "chart-matches-per-day", "Matches per day", "line", false, days, perDay);
    dailyTable(body, "Matches per day",
        figures.patterns.stream().map(ReportFigures.PatternFigures::id).toList(),
        figures.patterns.stream().map(ReportFigures.PatternFigures::matchesPerDay).toList());

    if (result.stepFunnels().isEmpty()) {
      body.appendElement("p").addClass("note").text("Step funnels come from the journey"
          + " engine; this job runs on Flink CEP (engine: flink-cep), so there are none.");
      return;
    }
    StepFunnels funnels = result.stepFunnels().get();
    for (PatternDefinition pattern : job.patterns()) {
      body.appendElement("h3").text(pattern.id() + ": step funnel");
      Element row = body.appendElement("div").addClass("pair");
      Element table = table(row, "Step", "customers", "dropped off", "of the first",
          "median time from the previous step");
      List<StepFunnels.Row> rows = StepFunnels.rowsOf(pattern);
      long end = result.endOfTime().toEpochMilli();
      long firstRow = funnels.customers(pattern.id(), 0, end);
      long previous = -1;
      int[] reached = new int[rows.size()];
      for (int r = 0; r < rows.size(); r++) {
        long customers = funnels.customers(pattern.id(), r, end);
        reached[r] = (int) customers;
        Element tr = table.appendElement("tr");
        tr.appendElement("td").text(rows.get(r).label());
        number(tr, "funnel:" + pattern.id() + ":" + r, customers);
        tr.appendElement("td").addClass("n").text(previous < 0 ? "" : count(previous - customers));
        tr.appendElement("td").addClass("n").text(percent(customers, firstRow));
        OptionalLong median = funnels.medianMillis(pattern.id(), r, end);
        tr.appendElement("td").addClass("n")
            .text(median.isPresent() ? readable(median.getAsLong()) : "");
        previous = customers;
      }
      chart(row, "chart-funnel-" + pattern.id(), pattern.id() + ": customers reaching each step",
          "hbar", false, rows.stream().map(StepFunnels.Row::label).toList(),
          List.of(series("customers", reached)));
    }
  }

  private void suppressions(Element body) {
    body.appendElement("h2").id("suppressions").text("Suppressions");
    Element pair = body.appendElement("div").addClass("pair");
    Element totals = table(pair, "Policy", "suppress", "release");
    List<ObjectNode> coverage = new ArrayList<>();
    for (ReportFigures.SuppressionFigures policy : figures.suppressions) {
      Element tr = totals.appendElement("tr");
      tr.appendElement("td").text(policy.id());
      number(tr, "suppression:" + policy.id() + ":suppress", policy.suppressed());
      number(tr, "suppression:" + policy.id() + ":release", policy.released());
      coverage.add(series(policy.id(), policy.suppressedPerDay()));
    }
    chart(pair, "chart-suppression-coverage", "Customers suppressed at the end of each day",
        "line", false, days, coverage);
    dailyTable(body, "Customers suppressed at the end of each day",
        figures.suppressions.stream().map(ReportFigures.SuppressionFigures::id).toList(),
        figures.suppressions.stream().map(ReportFigures.SuppressionFigures::suppressedPerDay)
            .toList());
  }

  private void chart(Element parent, String id, String title, String type, boolean stacked,
      List<String> x, List<ObjectNode> series) {
    parent.appendElement("div").addClass("chart").id(id);
    ObjectNode chart = charts.addObject();
    chart.put("id", id).put("title", title).put("type", type).put("stacked", stacked);
    ArrayNode categories = chart.putArray("x");
    x.forEach(categories::add);
    chart.putArray("series").addAll(series);
  }

  private static ObjectNode series(String name, int[] data) {
    ObjectNode series = JSON.createObjectNode().put("name", name);
    ArrayNode values = series.putArray("data");
    for (int value : data) {
      values.add(value);
    }
    return series;
  }

  /** A day-by-day table, folded away: one row per day, one column per series. */
  private void dailyTable(Element body, String title, List<String> names, List<int[]> columns) {
    Element details = body.appendElement("details");
    details.appendElement("summary").text(title + ", day by day");
    List<String> header = new ArrayList<>(List.of("Day (UTC)"));
    header.addAll(names);
    Element table = table(details, header.toArray(String[]::new));
    List<LocalDate> dates = figures.days;
    for (int d = 0; d < dates.size(); d++) {
      Element tr = table.appendElement("tr");
      tr.appendElement("td").text(dates.get(d).toString());
      for (int[] column : columns) {
        number(tr, null, d < column.length ? column[d] : 0);
      }
    }
  }

  private static Element table(Element parent, String... header) {
    Element table = parent.appendElement("table");
    Element tr = table.appendElement("tr");
    for (String title : header) {
      tr.appendElement("th").text(title);
    }
    return table;
  }

  private static void row(Element table, String label, String figure, long value) {
    Element tr = table.appendElement("tr");
    tr.appendElement("td").text(label);
    number(tr, figure, value);
  }

  private static void number(Element tr, String figure, long value) {
    Element td = tr.appendElement("td").addClass("n").text(count(value));
    if (figure != null) {
      td.attr("data-figure", figure);
    }
  }

  private static void share(Element tr, String figure, int part, int whole) {
    tr.appendElement("td").addClass("n").attr("data-figure", figure)
        .text(count(part) + " (" + percent(part, whole) + ")");
  }

  private static String percent(long part, long whole) {
    return whole == 0 ? "" : String.format("%.1f%%", 100.0 * part / whole);
  }

  private static String count(long n) {
    return String.format("%,d", n);
  }

  private static int sum(int[] values) {
    int sum = 0;
    for (int value : values) {
      sum += value;
    }
    return sum;
  }

  /** 42 s, 37 min, 5.2 h, 3.1 d: the unit a journey owner thinks in. */
  static String readable(long millis) {
    if (millis < 60_000) {
      return String.format("%.0f s", millis / 1000.0);
    }
    if (millis < 3_600_000) {
      return String.format("%.0f min", millis / 60_000.0);
    }
    if (millis < 2 * 86_400_000L) {
      return String.format("%.1f h", millis / 3_600_000.0);
    }
    return String.format("%.1f d", millis / 86_400_000.0);
  }

  private static long total(Map<String, ErrorTally.Entry> errors) {
    return errors.values().stream().mapToLong(ErrorTally.Entry::count).sum();
  }

  private static String chartLibrary() {
    try (InputStream in = ReportPage.class.getClassLoader().getResourceAsStream(CHART_LIBRARY)) {
      if (in == null) {
        throw new IllegalStateException("the chart library " + CHART_LIBRARY
            + " is not on the classpath; the build packs it from the echarts webjar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
