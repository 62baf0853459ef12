package io.journeyorchestrator.job;

import io.journeyorchestrator.config.ActionDefinition;
import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.matching.CompiledPattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What state a job folder keeps, by id: the pattern engine, one line per pattern (with the
 * fingerprint that is part of its state key), audience, suppression policy and action. Saved
 * when a job is submitted, compared with the next folder on upgrade to say what survives and
 * what is dropped.
 *
 * @param engine the pattern engine as job.yaml names it ({@code journey}, {@code flink-cep})
 */
public record StatePlan(String jobName, String engine, Map<String, String> patterns,
    List<String> audiences, List<String> suppressions, List<String> actions) {
  /** The engine of plans saved before job.yaml could choose one: there was only Flink CEP. */
  static final String ENGINE_OF_PLANS_WITHOUT_ONE = "flink-cep";

  public static StatePlan of(JobDefinition job) {
    Map<String, String> patterns = new LinkedHashMap<>();
    for (PatternDefinition pattern : job.patterns()) {
      patterns.put(pattern.id(), CompiledPattern.compile(pattern).fingerprint());
    }
    return new StatePlan(job.settings().name(), engineName(job.settings().engine()), patterns,
        job.audiences().stream().map(AudienceDefinition::id).toList(),
        job.suppressions().stream().map(SuppressionDefinition::id).toList(),
        job.actions().stream().map(ActionDefinition::id).toList());
  }

  static String engineName(JobSettings.Engine engine) {
    return engine.name().toLowerCase().replace('_', '-');
  }

  /** One line per entry, e.g. {@code pattern repeated-calls 1f3a...}. */
  public List<String> lines() {
    List<String> lines = new ArrayList<>();
    lines.add("job " + jobName);
    lines.add("engine " + engine);
    patterns.forEach((id, fingerprint) -> lines.add("pattern " + id + " " + fingerprint));
    audiences.forEach(id -> lines.add("audience " + id));
    suppressions.forEach(id -> lines.add("suppression " + id));
    actions.forEach(id -> lines.add("action " + id));
    return lines;
  }

  public static StatePlan parse(List<String> lines) {
    String name = "";
    String engine = ENGINE_OF_PLANS_WITHOUT_ONE;
    Map<String, String> patterns = new LinkedHashMap<>();
    List<String> audiences = new ArrayList<>();
    List<String> suppressions = new ArrayList<>();
    List<String> actions = new ArrayList<>();
    for (String line : lines) {
      String[] words = line.trim().split("\\s+");
      switch (words[0]) {
        case "job" -> name = words[1];
        case "engine" -> engine = words[1];
        case "pattern" -> patterns.put(words[1], words[2]);
        case "audience" -> audiences.add(words[1]);
        case "suppression" -> suppressions.add(words[1]);
        case "action" -> actions.add(words[1]);
        default -> throw new IllegalArgumentException("not a state plan line: " + line);
      }
    }
    return new StatePlan(name, engine, patterns, audiences, suppressions, actions);
  }

  /** What an upgrade from {@code before} to this plan keeps and drops. */
  public Upgrade upgradeFrom(StatePlan before) {
    List<Entry> kept = new ArrayList<>();
    List<Entry> dropped = new ArrayList<>();
    List<Entry> added = new ArrayList<>();
    boolean engineSwitch = !engine.equals(before.engine);
    if (engineSwitch) {
      dropped.add(new Entry(Kind.ENGINE, before.engine, "replaced by the " + engine
          + " engine; the partial matches of every pattern are dropped once (the " + engine
          + " engine cannot read them) and every pattern starts empty; profiles, audiences and"
          + " suppressions are kept"));
    }
    before.patterns.forEach((id, fingerprint) -> {
      String now = patterns.get(id);
      if (engineSwitch) {
        dropped.add(new Entry(Kind.PATTERN, id, "engine switched; its " + before.engine
            + " partial matches are dropped" + (now == null ? " and it is removed" : "")));
      } else if (now == null) {
        dropped.add(new Entry(Kind.PATTERN, id, "removed; its partial matches are dropped"));
      } else if (!now.equals(fingerprint)) {
        dropped.add(new Entry(Kind.PATTERN, id,
            "definition changed; its partial matches are dropped and it starts fresh"));
      } else {
        kept.add(new Entry(Kind.PATTERN, id, "unchanged; partial matches kept"));
      }
    });
    patterns.keySet().stream().filter(id -> engineSwitch || !before.patterns.containsKey(id))
        .forEach(id -> added.add(new Entry(Kind.PATTERN, id, "new; starts empty")));
    for (String id : before.audiences) {
      if (audiences.contains(id)) {
        kept.add(new Entry(Kind.AUDIENCE, id, "memberships, expiries and cooldowns kept"));
      } else {
        dropped.add(new Entry(Kind.AUDIENCE, id,
            "removed; memberships dropped, nothing is emitted for them"));
      }
    }
    audiences.stream().filter(id -> !before.audiences.contains(id))
        .forEach(id -> added.add(new Entry(Kind.AUDIENCE, id, "new; starts empty")));
    for (String id : before.suppressions) {
      if (suppressions.contains(id)) {
        kept.add(new Entry(Kind.SUPPRESSION, id, "suppression state kept"));
      } else {
        dropped.add(new Entry(Kind.SUPPRESSION, id,
            "removed; its suppression state is dropped, no RELEASE sent"));
      }
    }
    suppressions.stream().filter(id -> !before.suppressions.contains(id))
        .forEach(id -> added.add(new Entry(Kind.SUPPRESSION, id, "new; starts empty")));
    actionsFrom(before, kept, dropped, added);
    return new Upgrade(kept, dropped, added);
  }

  /**
   * Decisions keep one state per customer for all actions (last answer, counted sends), so only
   * removing the last action drops it: the decisions operator leaves the job with its state.
   */
  private void actionsFrom(StatePlan before, List<Entry> kept, List<Entry> dropped,
      List<Entry> added) {
    if (!before.actions.isEmpty() && actions.isEmpty()) {
      dropped.add(new Entry(Kind.DECISIONS, JourneyTopology.DECISIONS_UID,
          "every action is removed; each customer's last answer and the sends counted for caps"
              + " are dropped, and nothing more is written to the decisions topic"));
      return;
    }
    for (String id : before.actions) {
      kept.add(new Entry(Kind.ACTION, id, actions.contains(id)
          ? "last answers and counted sends kept"
          : "removed; no longer decided, its counted sends still count towards channel and"
              + " category caps until their windows pass"));
    }
    actions.stream().filter(id -> !before.actions.contains(id))
        .forEach(id -> added.add(new Entry(Kind.ACTION, id, before.actions.isEmpty()
            ? "new; decisions start empty"
            : "new; a customer already eligible is given it at their next change (audience,"
                + " profile, send or a cap freeing up)")));
  }

  /** What a plan entry is about. */
  public enum Kind {
    ENGINE, PATTERN, AUDIENCE, SUPPRESSION, ACTION, DECISIONS;

    String word() {
      return name().toLowerCase();
    }
  }

  /** One definition's fate in an upgrade, and why, in words for the data engineer. */
  public record Entry(Kind kind, String id, String explanation) {
    public String display() {
      return kind.word() + " " + id + ": " + explanation;
    }
  }

  /** The outcome of comparing two plans. */
  public record Upgrade(List<Entry> kept, List<Entry> dropped, List<Entry> added) {
    /** Whether the savepoint holds operator state the new job has no place for. */
    public boolean dropsState() {
      return !dropped.isEmpty();
    }

    /** Whether the upgrade drops the decisions operator (its last action is removed). */
    public boolean dropsDecisions() {
      return dropped.stream().anyMatch(entry -> entry.kind() == Kind.DECISIONS);
    }

    /** Whether the upgrade drops this pattern's state (removed, changed, or engine switched). */
    public boolean dropsPattern(String patternId) {
      return dropped.stream()
          .anyMatch(entry -> entry.kind() == Kind.PATTERN && entry.id().equals(patternId));
    }
  }
}
