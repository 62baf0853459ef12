package io.journeyorchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The numbers of replay's journey report, from the same outputs the summary counts: per day (UTC)
 * audience sizes, entries and exits by reason, matches, suppression coverage; time spent in each
 * audience; how stays ended when the audience names outcome patterns. Counts that the summary
 * also prints are counted the same way, so the two always agree.
 */
final class ReportFigures {
  /** Upper bounds of the time-in-audience buckets; the last bucket is open. */
  static final List<Duration> STAY_BOUNDS = List.of(Duration.ofHours(1), Duration.ofHours(6),
      Duration.ofDays(1), Duration.ofDays(3), Duration.ofDays(7), Duration.ofDays(14),
      Duration.ofDays(30));
  static final List<String> STAY_LABELS = List.of("< 1h", "1h–6h", "6h–1d", "1d–3d", "3d–7d",
      "7d–14d", "14d–30d", "≥ 30d");
  private static final ObjectMapper JSON = new ObjectMapper();

  /** How one audience's stays ended; a stay can end only one way, the first that happened. */
  record Outcomes(int stays, int completed, int leaked, int endedOtherwise, int stillIn) {}

  record AudienceFigures(String id, int entered, int extended, int exited, int[] membersPerDay,
      Map<String, int[]> enteredPerDay, Map<String, int[]> exitedPerDay, int[] finishedStays,
      int stillIn, Outcomes outcomes) {
    int atEnd() {
      return entered - exited;
    }
  }

  record PatternFigures(String id, int matches, int customers, int[] matchesPerDay) {}

  record SuppressionFigures(String id, int suppressed, int released, int[] suppressedPerDay) {}

  final List<LocalDate> days;
  final List<AudienceFigures> audiences = new ArrayList<>();
  final List<PatternFigures> patterns = new ArrayList<>();
  final List<SuppressionFigures> suppressions = new ArrayList<>();
  /** Dead letters by the kind of error: its text up to the first colon. */
  final Map<String, Integer> deadLettersByError = new TreeMap<>();

  private ReportFigures(List<LocalDate> days) {
    this.days = days;
  }

  static ReportFigures of(JobDefinition job, ReplayJob.Result result) {
    List<OutputLine> changes = result.of(OutputLines.AUDIENCE_CHANGES);
    List<OutputLine> matches = result.of(OutputLines.MATCHES);
    List<OutputLine> suppressions = result.of(OutputLines.SUPPRESSIONS);
    long first = result.endOfTime().toEpochMilli();
    for (List<OutputLine> lines : List.of(changes, matches, suppressions)) {
      for (OutputLine line : lines) {
        first = Math.min(first, line.getTime());
      }
    }
    List<LocalDate> days = new ArrayList<>();
    for (LocalDate day = dayOf(first); !day.isAfter(dayOf(result.endOfTime().toEpochMilli()));
        day = day.plusDays(1)) {
      days.add(day);
    }
    ReportFigures figures = new ReportFigures(List.copyOf(days));
    for (PatternDefinition pattern : job.patterns()) {
      figures.patterns.add(figures.pattern(pattern.id(), matches));
    }
    for (AudienceDefinition audience : job.audiences()) {
      figures.audiences.add(figures.audience(audience, changes, matches,
          result.endOfTime().toEpochMilli()));
    }
    for (SuppressionDefinition policy : job.suppressions()) {
      figures.suppressions.add(figures.suppression(policy.id(), suppressions));
    }
    for (OutputLine line : result.of(OutputLines.DEAD_LETTERS)) {
      String error = parse(line.getJson()).path("error").asText();
      int colon = error.indexOf(':');
      figures.deadLettersByError.merge(colon > 0 ? error.substring(0, colon) : error, 1,
          Integer::sum);
    }
    return figures;
  }

  private PatternFigures pattern(String id, List<OutputLine> matches) {
    int[] perDay = new int[days.size()];
    Set<String> customers = new HashSet<>();
    int count = 0;
    for (OutputLine match : matches) {
      if (match.getLabel().equals(id)) {
        count++;
        customers.add(match.getCustomerId());
        perDay[dayIndex(match.getTime())]++;
      }
    }
    return new PatternFigures(id, count, customers.size(), perDay);
  }

  private AudienceFigures audience(AudienceDefinition audience, List<OutputLine> changes,
      List<OutputLine> matches, long endOfTime) {
    String id = audience.id();
    int entered = 0;
    int extended = 0;
    int exited = 0;
    int[] delta = new int[days.size()];
    Map<String, int[]> enteredPerDay = new TreeMap<>();
    Map<String, int[]> exitedPerDay = new TreeMap<>();
    int[] finished = new int[STAY_BOUNDS.size() + 1];
    Map<String, Long> since = new HashMap<>();
    List<long[]> stays = new ArrayList<>();
    List<String> stayCustomers = new ArrayList<>();
    for (OutputLine change : changes) {
      String label = change.getLabel();
      int day = dayIndex(change.getTime());
      if (label.equals(id + " ENTERED")) {
        entered++;
        delta[day]++;
        enteredPerDay.computeIfAbsent(reason(change), r -> new int[days.size()])[day]++;
        since.put(change.getCustomerId(), change.getTime());
      } else if (label.equals(id + " EXTENDED")) {
        extended++;
      } else if (label.equals(id + " EXITED")) {
        exited++;
        delta[day]--;
        exitedPerDay.computeIfAbsent(reason(change), r -> new int[days.size()])[day]++;
        Long start = since.remove(change.getCustomerId());
        if (start != null) {
          finished[bucket(change.getTime() - start)]++;
          stays.add(new long[] {start, change.getTime()});
          stayCustomers.add(change.getCustomerId());
        }
      }
    }
    since.forEach((customer, start) -> {
      stays.add(new long[] {start, Long.MAX_VALUE});
      stayCustomers.add(customer);
    });
    int[] members = new int[days.size()];
    int running = 0;
    for (int d = 0; d < days.size(); d++) {
      running += delta[d];
      members[d] = running;
    }
    Outcomes outcomes = audience.outcomes().isEmpty() ? null
        : outcomes(audience.outcomes(), stays, stayCustomers, matches);
    return new AudienceFigures(id, entered, extended, exited, members, enteredPerDay,
        exitedPerDay, finished, since.size(), outcomes);
  }

  /**
   * A stay completed or leaked when the customer's first match of an outcome pattern from its
   * entry up to and including its exit is of that kind (an outcome usually exits the audience at
   * the same instant); otherwise it ended another way, or is still going at the end.
   */
  private static Outcomes outcomes(AudienceDefinition.Outcomes outcomes, List<long[]> stays,
      List<String> customers, List<OutputLine> matches) {
    Map<String, List<OutputLine>> byCustomer = new HashMap<>();
    for (OutputLine match : matches) {
      if (outcomes.completed().contains(match.getLabel())
          || outcomes.leaked().contains(match.getLabel())) {
        byCustomer.computeIfAbsent(match.getCustomerId(), c -> new ArrayList<>()).add(match);
      }
    }
    int completed = 0;
    int leaked = 0;
    int otherwise = 0;
    int stillIn = 0;
    for (int i = 0; i < stays.size(); i++) {
      long[] stay = stays.get(i);
      OutputLine outcome = null;
      for (OutputLine match : byCustomer.getOrDefault(customers.get(i), List.of())) {
        if (match.getTime() >= stay[0] && match.getTime() <= stay[1]) {
          outcome = match;
          break;
        }
      }
      if (outcome == null) {
        if (stay[1] == Long.MAX_VALUE) {
          stillIn++;
        } else {
          otherwise++;
        }
      } else if (outcomes.completed().contains(outcome.getLabel())) {
        completed++;
      } else {
        leaked++;
      }
    }
    return new Outcomes(stays.size(), completed, leaked, otherwise, stillIn);
  }

  private SuppressionFigures suppression(String id, List<OutputLine> decisions) {
    int suppressed = 0;
    int released = 0;
    int[] delta = new int[days.size()];
    Set<String> held = new HashSet<>();
    for (OutputLine decision : decisions) {
      int day = dayIndex(decision.getTime());
      if (decision.getLabel().equals(id + " SUPPRESS")) {
        suppressed++;
        if (held.add(decision.getCustomerId())) {
          delta[day]++;
        }
      } else if (decision.getLabel().equals(id + " RELEASE")) {
        released++;
        if (held.remove(decision.getCustomerId())) {
          delta[day]--;
        }
      }
    }
    int[] perDay = new int[days.size()];
    int running = 0;
    for (int d = 0; d < days.size(); d++) {
      running += delta[d];
      perDay[d] = running;
    }
    return new SuppressionFigures(id, suppressed, released, perDay);
  }

  private static String reason(OutputLine change) {
    return parse(change.getJson()).path("reason").asText();
  }

  static int bucket(long millis) {
    for (int b = 0; b < STAY_BOUNDS.size(); b++) {
      if (millis < STAY_BOUNDS.get(b).toMillis()) {
        return b;
      }
    }
    return STAY_BOUNDS.size();
  }

  private int dayIndex(long millis) {
    int index = days.indexOf(dayOf(millis));
    return index < 0 ? days.size() - 1 : index;
  }

  private static LocalDate dayOf(long millis) {
    return LocalDate.ofInstant(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("replay writes its outputs as JSON: " + json, e);
    }
  }
}
