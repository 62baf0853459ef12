package io.journeyorchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.config.ActionDefinition;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.EventCatalogCheck;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.diagnostics.ErrorTally;
import io.journeyorchestrator.diagnostics.RunDiagnostics;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The body of replay's summary: what was read, and for each pattern, audience and suppression
 * what came of it, in the job's order. Definitions that never fired are marked, since a typo in a
 * condition shows as nothing happening; conditions that failed at run time (each counted as false)
 * are listed under their pattern step or audience, with the earliest event they failed on.
 */
final class ReplaySummary {
  private static final String ROW = "  %-38s";
  private static final String TITLE = "%-40s";
  private static final String NUMBER = " %9s";
  private static final String FACT = "  %-20s%s%n";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReplaySummary() {}

  /** One line per kind of misfit, with its first example when there is one. */
  static void printCatalogReport(PrintWriter out, EventCatalogCheck check) {
    out.println("Events against " + EventCatalog.FILE);
    check.tallies().forEach((finding, tally) -> out.printf("  %-28s %,d%s%n", finding.label(),
        tally.count(), tally.count() == 0
            ? ""
            : " (first: line " + tally.firstLine() + ", " + tally.first() + ")"));
  }

  /** @param afterUntil events after --until, or null when the replay had no --until */
  static void print(PrintWriter out, JobDefinition job, ReplayJob.Result result,
      Integer afterUntil) {
    long conditionErrors = total(result.conditionErrors()) + total(result.enterWhenErrors());
    out.printf(FACT, "lines read", count(result.linesRead()));
    out.printf(FACT, "dead letters", count(result.of(OutputLines.DEAD_LETTERS).size()));
    out.printf(FACT, "late events", count(result.of(OutputLines.LATE_EVENTS).size()));
    out.printf(FACT, "duplicates dropped", count(result.duplicatesDropped()));
    out.printf(FACT, "unused types", count(result.unusedDropped())
        + (result.unusedDropped() > 0 ? " (events no pattern can use, skipped)" : ""));
    out.printf(FACT, "condition errors", count(conditionErrors)
        + (conditionErrors > 0 ? " (each counted as false; see below)" : ""));
    if (afterUntil != null) {
      out.printf(FACT, "after --until", count(afterUntil) + " (ignored)");
    }
    result.catalogCheck().ifPresent(check -> printCatalogReport(out, check));

    out.printf(TITLE + NUMBER + "%n", "Patterns", "matches");
    Map<String, Integer> matches = countByLabel(result.of(OutputLines.MATCHES));
    for (PatternDefinition pattern : job.patterns()) {
      int matched = matches.getOrDefault(pattern.id(), 0);
      out.printf(ROW + NUMBER + "%s%n", pattern.id(), count(matched),
          matched == 0 ? "  (never matched)" : "");
      for (StepDefinition step : pattern.steps()) {
        ErrorTally.Entry errors = result.conditionErrors()
            .get(RunDiagnostics.stepKey(pattern.id(), step.name()));
        if (errors != null) {
          out.println("    step " + step.name() + ": " + describe(errors));
        }
      }
    }

    out.printf(TITLE + NUMBER + NUMBER + NUMBER + NUMBER + "%n", "Audiences", "entered",
        "extended", "exited", "at end");
    Map<String, Integer> changes = countByLabel(result.of(OutputLines.AUDIENCE_CHANGES));
    for (AudienceDefinition audience : job.audiences()) {
      int entered = changes.getOrDefault(audience.id() + " ENTERED", 0);
      int extended = changes.getOrDefault(audience.id() + " EXTENDED", 0);
      int exited = changes.getOrDefault(audience.id() + " EXITED", 0);
      out.printf(ROW + NUMBER + NUMBER + NUMBER + NUMBER + "%s%n", audience.id(), count(entered),
          count(extended), count(exited), count(entered - exited),
          entered == 0 ? "  (nobody entered)" : "");
      ErrorTally.Entry errors = result.enterWhenErrors().get(audience.id());
      if (errors != null) {
        out.println("    enterWhen: " + describe(errors));
      }
    }

    out.printf(TITLE + NUMBER + NUMBER + "%n", "Suppressions", "suppress", "release");
    Map<String, Integer> decisions = countByLabel(result.of(OutputLines.SUPPRESSIONS));
    for (SuppressionDefinition policy : job.suppressions()) {
      int suppressed = decisions.getOrDefault(policy.id() + " SUPPRESS", 0);
      out.printf(ROW + NUMBER + NUMBER + "%s%n", policy.id(), count(suppressed),
          count(decisions.getOrDefault(policy.id() + " RELEASE", 0)),
          suppressed == 0 ? "  (never suppressed)" : "");
    }
    if (!job.actions().isEmpty()) {
      printActions(out, job, result.of(OutputLines.DECISIONS),
          result.of(OutputLines.AUDIENCE_CHANGES));
    }
  }

  /**
   * Per action, the customers it was given to at some point and at the end, and the customers
   * it was held back from, by reason; then the customers in the holdout group, and per audience
   * how many of them and of the treated entered it after their first decision.
   */
  private static void printActions(PrintWriter out, JobDefinition job, List<OutputLine> lines,
      List<OutputLine> audienceChanges) {
    Map<String, Long> firstDecision = new HashMap<>();
    Map<String, Set<String>> given = new HashMap<>();
    Map<String, Map<String, Set<String>>> blocked = new HashMap<>();
    Map<String, JsonNode> last = new HashMap<>();
    Set<String> heldOut = new TreeSet<>();
    for (OutputLine line : lines) {
      JsonNode decision = parse(line.getJson());
      String customer = line.getCustomerId();
      last.put(customer, decision);
      firstDecision.merge(customer, line.getTime(), Math::min);
      if (decision.path("holdout").asBoolean()) {
        heldOut.add(customer);
      }
      for (JsonNode channel : decision.path("channels")) {
        if (!channel.path("actionId").isNull()) {
          given.computeIfAbsent(channel.path("actionId").asText(), a -> new HashSet<>())
              .add(customer);
        }
        for (JsonNode block : channel.path("blocked")) {
          blocked.computeIfAbsent(block.path("actionId").asText(), a -> new TreeMap<>())
              .computeIfAbsent(block.path("reason").asText(), r -> new HashSet<>())
              .add(customer);
        }
      }
    }
    Map<String, Integer> atEnd = new HashMap<>();
    last.values().forEach(decision -> decision.path("channels").forEach(channel -> {
      if (!channel.path("actionId").isNull()) {
        atEnd.merge(channel.path("actionId").asText(), 1, Integer::sum);
      }
    }));

    out.printf(TITLE + NUMBER + NUMBER + "  %s%n", "Actions (customers)", "given", "at end",
        "held back");
    for (ActionDefinition action : job.actions()) {
      int customers = given.getOrDefault(action.id(), Set.of()).size();
      List<String> reasons = new ArrayList<>();
      blocked.getOrDefault(action.id(), Map.of()).forEach((reason, who) ->
          reasons.add(reason + " " + count(who.size())));
      out.printf(ROW + NUMBER + NUMBER + "  %s%s%n", action.id(), count(customers),
          count(atEnd.getOrDefault(action.id(), 0)),
          reasons.isEmpty() ? "-" : String.join(", ", reasons),
          customers == 0 ? "  (never given)" : "");
    }
    out.printf(FACT, "holdout group", count(heldOut.size()) + " of " + count(last.size())
        + " customers decided for (given nothing, to measure uplift against)");
    if (heldOut.isEmpty()) {
      return;
    }
    int treated = last.size() - heldOut.size();
    out.printf(TITLE + "%17s %17s%n", "Entered after the first decision", "holdout", "treated");
    for (HoldoutOutcomes.Row row : HoldoutOutcomes.rows(firstDecision, heldOut, audienceChanges,
        job.audiences().stream().map(AudienceDefinition::id).toList())) {
      out.printf(ROW + "%17s %17s%n", row.audienceId(), share(row.heldOutEntered(),
          heldOut.size()), share(row.treatedEntered(), treated));
    }
  }

  /** "3 of 68 (4.4%)": counts beside the rate, since holdout groups are often small. */
  private static String share(int part, int whole) {
    return count(part) + " of " + count(whole) + (whole == 0 ? ""
        : String.format(" (%.1f%%)", 100.0 * part / whole));
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("replay writes its decisions as JSON: " + json, e);
    }
  }

  private static String describe(ErrorTally.Entry errors) {
    String message = errors.first().message();
    // CEL's messages end with a full stop, which would stand before a comma here.
    if (message.endsWith(".")) {
      message = message.substring(0, message.length() - 1);
    }
    return "condition errors " + count(errors.count()) + " (first: " + message + ", event "
        + errors.first().eventId() + ")";
  }

  private static long total(Map<String, ErrorTally.Entry> errors) {
    return errors.values().stream().mapToLong(ErrorTally.Entry::count).sum();
  }

  private static String count(long n) {
    return String.format("%,d", n);
  }

  private static Map<String, Integer> countByLabel(List<OutputLine> lines) {
    Map<String, Integer> counts = new TreeMap<>();
    lines.forEach(line -> counts.merge(line.getLabel(), 1, Integer::sum));
    return counts;
  }
}
