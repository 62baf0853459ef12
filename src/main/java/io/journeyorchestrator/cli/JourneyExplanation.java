package io.journeyorchestrator.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.condition.Condition;
import io.journeyorchestrator.condition.ConditionCompiler;
import io.journeyorchestrator.condition.ConditionEvaluationException;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.Durations;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.keyed.ProfileUpdates;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One customer's journey as a readable timeline, from a traced replay: each of their events (with
 * the matches it took part in, or why it took no part), then at each instant what the job did
 * (matches, audience changes, suppressions, decisions) and what it did not do and why (entries
 * ignored for cooldown or enterWhen, matches withheld by an erasure). With an audience, a "why
 * not" section: the customer's entries and exits, what was blocked, and per entering pattern the
 * customer's events that satisfy each of its steps.
 */
final class JourneyExplanation {
  /** One of the customer's events as read, with its line in the events file. */
  record CustomerEvent(long line, InteractionEvent event) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final DateTimeFormatter UTC =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("MM-dd HH:mm");
  /** At one instant: the event first, then what the job did with it, in the job's order. */
  private static final List<String> ORDER = List.of(OutputLines.MATCHES, OutputLines.NOTES,
      OutputLines.AUDIENCE_CHANGES, OutputLines.SUPPRESSIONS, OutputLines.DECISIONS);
  private static final int EXAMPLES = 3;

  private final JobDefinition job;
  private final String customerId;
  private final List<CustomerEvent> events;
  private final Map<String, List<OutputLine>> outputs = new LinkedHashMap<>();

  /** @param outputs a traced replay's outputs by kind; only the customer's are kept */
  JourneyExplanation(JobDefinition job, String customerId, List<CustomerEvent> events,
      Map<String, List<OutputLine>> outputs) {
    this.job = job;
    this.customerId = customerId;
    this.events = events.stream()
        .sorted(Comparator.comparing((CustomerEvent e) -> e.event().getTimestamp())
            .thenComparingLong(CustomerEvent::line))
        .toList();
    for (String kind : ORDER) {
      this.outputs.put(kind, outputs.getOrDefault(kind, List.of()).stream()
          .filter(line -> line.getCustomerId().equals(customerId)).toList());
    }
    this.outputs.put(OutputLines.LATE_EVENTS, outputs.getOrDefault(OutputLines.LATE_EVENTS,
        List.of()).stream().filter(line -> line.getCustomerId().equals(customerId)).toList());
  }

  List<String> timeline() {
    List<String> lines = new ArrayList<>();
    Optional<ZoneId> zone = zone();
    lines.add("Customer " + customerId + ": " + events.size() + " events, "
        + outputs.get(OutputLines.MATCHES).size() + " matches, "
        + outputs.get(OutputLines.AUDIENCE_CHANGES).size() + " audience changes, "
        + outputs.get(OutputLines.SUPPRESSIONS).size() + " suppression decisions, "
        + outputs.get(OutputLines.DECISIONS).size() + " next best actions, "
        + notes(OutputLines.BLOCKED).size() + " blocked");
    lines.add("Times in UTC" + zone.map(z -> "; local times in " + z + " (profile.timezone)")
        .orElse(" (the profile has no timezone)"));
    lines.add("");

    Map<String, List<String>> matchesOf = new HashMap<>();
    for (OutputLine match : outputs.get(OutputLines.MATCHES)) {
      for (JsonNode id : parse(match.getJson()).path("eventIds")) {
        matchesOf.computeIfAbsent(id.asText(), k -> new ArrayList<>()).add(match.getLabel());
      }
    }
    Map<String, String> late = new HashMap<>();
    for (OutputLine line : outputs.get(OutputLines.LATE_EVENTS)) {
      JsonNode node = parse(line.getJson());
      late.put(line.getId(), node.path("reason").asText() + ", "
          + node.path("behindMillis").asLong() / 1000 + " s behind");
    }

    List<Entry> entries = new ArrayList<>();
    for (CustomerEvent e : events) {
      InteractionEvent event = e.event();
      String took = late.containsKey(event.getEventId())
          ? "  LATE, took no part (" + late.get(event.getEventId()) + ")"
          : matchesOf.containsKey(event.getEventId())
              ? "  -> in " + String.join(", ", matchesOf.get(event.getEventId()))
              : "";
      entries.add(new Entry(event.getTimestamp().toEpochMilli(), -1, String.format(
          "%-8s  %-26s %s %s%s  (line %d)%s", "EVENT", event.getType(), event.getChannel(),
          event.getEventId(), event.getAttributes().isEmpty() ? ""
              : " " + new TreeMap<>(event.getAttributes()), e.line(), took)));
    }
    for (int kind = 0; kind < ORDER.size(); kind++) {
      for (OutputLine line : outputs.get(ORDER.get(kind))) {
        entries.add(new Entry(line.getTime(), kind, withoutTimeAndCustomer(line.getReadable())));
      }
    }
    // Stable: within a kind, the replay's own order.
    entries.sort(Comparator.comparingLong(Entry::time).thenComparingInt(Entry::order));
    for (Entry entry : entries) {
      lines.add(time(entry.time(), zone) + "  " + entry.text());
    }
    return lines;
  }

  /** Why the customer is not (or is) in the audience at the end, and what stood in the way. */
  List<String> whyNot(AudienceDefinition audience) {
    List<String> lines = new ArrayList<>();
    List<OutputLine> changes = outputs.get(OutputLines.AUDIENCE_CHANGES).stream()
        .filter(line -> line.getLabel().startsWith(audience.id() + " ")).toList();
    OutputLine last = changes.isEmpty() ? null : changes.get(changes.size() - 1);
    boolean member = last != null && !last.getLabel().endsWith(" EXITED");
    lines.add("Why " + (member ? "" : "not ") + audience.id() + "?");
    lines.add("  at the end: " + (member ? "a member" : "not a member") + "; "
        + changes.stream().filter(c -> c.getLabel().endsWith(" ENTERED")).count() + " entries, "
        + changes.stream().filter(c -> c.getLabel().endsWith(" EXITED")).count() + " exits"
        + (last == null ? "" : "; last: " + withoutTimeAndCustomer(last.getReadable()).trim()
            + " at " + UTC.format(Instant.ofEpochMilli(last.getTime()))));
    for (OutputLine note : notes(OutputLines.BLOCKED)) {
      if (note.getLabel().equals(audience.id()) || audience.enter().contains(note.getLabel())) {
        lines.add("  blocked at " + UTC.format(Instant.ofEpochMilli(note.getTime())) + ": "
            + parse(note.getJson()).path("note").asText());
      }
    }
    if (audience.enterWhen() != null) {
      lines.add("  enterWhen: " + audience.enterWhen());
    }
    if (audience.isComposed()) {
      lines.addAll(parts(audience));
    }
    for (String patternId : audience.enter()) {
      job.patterns().stream().filter(p -> p.id().equals(patternId)).findFirst()
          .ifPresent(pattern -> lines.addAll(closestTo(pattern)));
    }
    return lines;
  }

  /** A composed audience: what it needs of each part, and whether the customer ends in it. */
  private List<String> parts(AudienceDefinition audience) {
    AudienceDefinition.Composition composition = audience.composition();
    List<String> lines = new ArrayList<>();
    lines.add("  while: all " + composition.all() + ", any " + composition.any() + ", none "
        + composition.none() + (audience.memberFor() == null ? ""
            : "; member for " + Durations.format(audience.memberFor()) + " after it last held"));
    for (String part : composition.parts()) {
      String need = composition.all().contains(part) ? "must be in"
          : composition.any().contains(part) ? "one of 'any'" : "must not be in";
      List<OutputLine> changes = outputs.get(OutputLines.AUDIENCE_CHANGES).stream()
          .filter(line -> line.getLabel().startsWith(part + " ")).toList();
      OutputLine last = changes.isEmpty() ? null : changes.get(changes.size() - 1);
      boolean member = last != null && !last.getLabel().endsWith(" EXITED");
      lines.add("    " + part + " (" + need + "): " + (member ? "a member" : "not a member")
          + " at the end" + (last == null ? ", never entered"
              : "; last: " + withoutTimeAndCustomer(last.getReadable()).trim() + " at "
                  + UTC.format(Instant.ofEpochMilli(last.getTime()))));
    }
    return lines;
  }

  /**
   * Per step of an entering pattern, the customer's events whose condition holds on their own
   * (order, contiguity and within are the engine's business and are not re-judged here): the
   * first step no event satisfies is what the customer lacks.
   */
  private List<String> closestTo(PatternDefinition pattern) {
    List<String> lines = new ArrayList<>();
    long matches = outputs.get(OutputLines.MATCHES).stream()
        .filter(m -> m.getLabel().equals(pattern.id())).count();
    lines.add("  pattern " + pattern.id() + ": matched " + matches + " times"
        + (pattern.within() == null ? "" : ", within " + Durations.format(pattern.within()))
        + partialsOf(pattern));
    boolean lacking = false;
    int groupMembersSatisfied = 0;
    for (StepDefinition step : pattern.steps()) {
      List<String> satisfying = new ArrayList<>();
      List<String> failures = new ArrayList<>();
      Optional<Condition> condition = ConditionCompiler.compile(step.when()).condition();
      if (condition.isPresent() && condition.get().readsSteps()) {
        // Its truth depends on the partial match (what earlier steps took), not on the event.
        lines.add("    step " + step.name() + " (" + step.when() + "): reads steps."
            + String.join(", steps.", condition.get().stepsNamed())
            + ", so it is judged for each partial match; see the partial matches above");
        continue;
      }
      Map<String, Object> profile = new HashMap<>();
      for (CustomerEvent e : events) {
        InteractionEvent event = e.event();
        if (event.getType().equals(EventCatalog.PROFILE_UPDATE_TYPE)) {
          profile = ProfileUpdates.apply(profile, event.getAttributes());
        }
        try {
          if (condition.isPresent() && condition.get().evaluate(event, profile)) {
            satisfying.add(event.getEventId() + " at " + UTC.format(event.getTimestamp()));
          }
        } catch (ConditionEvaluationException error) {
          failures.add(event.getEventId() + ": " + error.reason());
        }
      }
      String needs = step.absent() ? "must not happen"
          : step.group() != null ? "member of anyOrder group " + step.group().name()
          : "needs " + step.times() + " events";
      String found = satisfying.isEmpty() ? "no event satisfies it"
          : satisfying.size() + " events satisfy it: " + String.join(", ", satisfying.subList(0,
              Math.min(EXAMPLES, satisfying.size()))) + (satisfying.size() > EXAMPLES ? ", ..." : "");
      String mark = "";
      if (matches == 0 && !step.absent() && step.group() == null
          && satisfying.size() < step.times().min() && !lacking) {
        lacking = true;
        mark = "  <- what the customer lacks";
      }
      lines.add("    step " + step.name() + " (" + needs + "; " + step.when() + "): " + found
          + (failures.isEmpty() ? "" : "; condition failed on " + failures.size()
              + " (first: " + failures.get(0) + ")") + mark);
      if (step.group() != null) {
        groupMembersSatisfied += satisfying.isEmpty() ? 0 : 1;
        if (pattern.steps().indexOf(step) == step.group().last()) {
          boolean tooFew = groupMembersSatisfied < step.group().atLeast();
          lines.add("    group " + step.group().name() + " (any " + step.group().atLeast()
              + " of its " + step.group().size() + " members, in any order): "
              + groupMembersSatisfied + " members satisfied"
              + (matches == 0 && tooFew && !lacking ? "  <- what the customer lacks" : ""));
          lacking |= matches == 0 && tooFew;
          groupMembersSatisfied = 0;
        }
      }
    }
    return lines;
  }

  private List<OutputLine> notes(String word) {
    return outputs.get(OutputLines.NOTES).stream()
        .filter(note -> parse(note.getJson()).path("what").asText().equals(word)).toList();
  }

  /** The partial matches of a pattern as the engine traced them: how many started, ended how. */
  private String partialsOf(PatternDefinition pattern) {
    List<String> texts = notes(OutputLines.PARTIAL).stream()
        .filter(note -> note.getLabel().equals(pattern.id()))
        .map(note -> parse(note.getJson()).path("note").asText()).toList();
    if (texts.isEmpty()) {
      return "";
    }
    return "; partial matches: " + texts.stream().filter(t -> t.contains(" started")).count()
        + " started, " + texts.stream().filter(t -> t.contains(" advanced")).count()
        + " advanced, " + texts.stream().filter(t -> t.contains(" timed out")).count()
        + " timed out, " + texts.stream().filter(t -> t.contains(" dropped")).count()
        + " dropped; last: " + texts.get(texts.size() - 1);
  }

  private record Entry(long time, int order, String text) {}

  /** The customer's time zone from their latest profile update that names a valid one. */
  private Optional<ZoneId> zone() {
    Optional<ZoneId> zone = Optional.empty();
    for (CustomerEvent e : events) {
      Object value = e.event().getType().equals(EventCatalog.PROFILE_UPDATE_TYPE)
          ? e.event().getAttributes().get("timezone") : null;
      if (value != null) {
        try {
          zone = Optional.of(ZoneId.of(value.toString()));
        } catch (DateTimeException ignored) {
          // A bad zone is the profile's problem; quiet hours fall back to the job's default.
        }
      }
    }
    return zone;
  }

  private static String time(long millis, Optional<ZoneId> zone) {
    Instant instant = Instant.ofEpochMilli(millis);
    return UTC.format(instant) + zone.map(z -> "  " + LOCAL.format(instant.atZone(z))).orElse("");
  }

  /** Readable lines start with the time and the customer; the timeline has both already. */
  private String withoutTimeAndCustomer(String readable) {
    String rest = readable.length() > 20 ? readable.substring(20).stripLeading() : readable;
    return rest.startsWith(customerId) ? rest.substring(customerId.length()).stripLeading() : rest;
  }

  private static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("replay writes JSON lines: " + json, e);
    }
  }
}
