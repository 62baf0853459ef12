package io.journeyorchestrator.benchmark;

import io.journeyorchestrator.config.Durations;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.PatternDefinition.AfterMatch;
import io.journeyorchestrator.config.StepDefinition;
import io.journeyorchestrator.config.StepDefinition.Contiguity;
import io.journeyorchestrator.config.StepDefinition.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/**
 * A job folder with N patterns for the benchmark: a base job's own patterns, then variations of
 * them until there are N. A variation keeps its base's event types (so routing stays as
 * selective as the base's) and changes what an analyst would change: attribute values and
 * channels in conditions, one more condition on the event's attributes or channel, how many times a step repeats, the {@code within}, and on some
 * multi-step patterns {@code afterMatch: no-skip}; a single-event pattern sometimes becomes
 * "the same event N times within a window". Conditions differ between variations, so an engine
 * that evaluates each distinct condition once still has many to evaluate. The base's audiences,
 * suppressions and event catalog are copied unchanged (they refer to the base's patterns).
 * Deterministic: the same base and N give the same files.
 */
final class PatternVariations {
  /** Values a condition's string literal is swapped for, the original first. */
  private static final Map<String, List<String>> ALTERNATIVES = Map.of(
      "phones", List.of("phones", "plans", "billing", "support"),
      "device", List.of("device", "accessory", "plan"),
      "CALL_CENTER", List.of("CALL_CENTER", "IVR"));
  /** Conditions a variation may add to a step on an event type (valid against events.yaml). */
  private static final Map<String, List<String>> EXTRA = Map.ofEntries(
      Map.entry("call.inbound", List.of("event.attributes.reason == \"billing\"",
          "event.attributes.reason == \"technical\"", "event.attributes.reason != \"other\"",
          "event.channel == \"IVR\"")),
      Map.entry("device.activated", List.of("event.attributes.productId == \"iphone-16\"",
          "event.attributes.productId == \"galaxy-s25\"",
          "event.attributes.productId != \"fairphone-5\"")),
      Map.entry("order.completed", List.of("event.attributes.amount > 200.0",
          "event.attributes.amount > 500.0", "event.channel == \"STORE\"",
          "event.channel != \"STORE\"", "has(event.attributes.tradeIn)")),
      Map.entry("page.view", List.of("event.channel == \"WEB\"", "event.channel == \"APP\"",
          "has(event.attributes.productId)")),
      Map.entry("payment.failed", List.of("event.attributes.reason == \"insufficient_funds\"",
          "event.attributes.reason != \"card_expired\"", "event.attributes.amount > 50.0")),
      Map.entry("payment.succeeded", List.of("event.attributes.amount > 30.0",
          "event.attributes.amount > 60.0", "event.attributes.amount > 120.0")),
      Map.entry("store.visit", List.of("event.attributes.storeId != \"store-001\"",
          "event.attributes.storeId != \"store-002\"", "event.attributes.storeId != \"store-003\"")),
      Map.entry("support.case.opened", List.of("event.attributes.category == \"network\"",
          "event.attributes.category == \"billing\"", "event.attributes.category == \"device\"",
          "event.channel == \"CHAT\"")),
      Map.entry("support.case.resolved", List.of("event.attributes.category == \"network\"",
          "event.attributes.category != \"billing\"", "event.channel == \"CHAT\"")));
  private static final Pattern EVENT_TYPE = Pattern.compile("event\\.type == \"([^\"]+)\"");
  private static final Pattern LITERAL = Pattern.compile("\"([^\"]*)\"");
  private static final double[] WITHIN_FACTORS = {1, 2, 0.5, 1.5};

  private PatternVariations() {}

  /** Writes the folder (replacing an older one) and returns it, loaded and validated. */
  static JobDefinition write(Path base, int patterns, Path into) throws Exception {
    JobDefinition job = JobLoader.load(base);
    List<PatternDefinition> originals = job.patterns();
    if (patterns < 1) {
      throw new IllegalArgumentException("patterns must be at least 1, got " + patterns);
    }
    deleteRecursively(into);
    Files.createDirectories(into.resolve("patterns"));
    for (String file : List.of("job.yaml", "events.yaml")) {
      if (Files.exists(base.resolve(file))) {
        Files.copy(base.resolve(file), into.resolve(file));
      }
    }
    for (String folder : List.of("audiences", "suppressions")) {
      copyFolder(base.resolve(folder), into.resolve(folder));
    }
    int kept = Math.min(patterns, originals.size());
    for (int i = 0; i < kept; i++) {
      Files.writeString(into.resolve("patterns/" + originals.get(i).id() + ".yaml"),
          yaml(originals.get(i)));
    }
    List<String> dropped = new ArrayList<>(
        originals.subList(kept, originals.size()).stream().map(PatternDefinition::id).toList());
    dropReferringTo(dropped, into, job);
    for (int k = 1; k <= patterns - kept; k++) {
      PatternDefinition variation = variation(originals.get((k - 1) % originals.size()),
          (k - 1) / originals.size() + 1, k);
      Files.writeString(into.resolve("patterns/" + variation.id() + ".yaml"), yaml(variation));
    }
    return JobLoader.load(into);
  }

  /** The demo's patterns that {@link #withFeatures} rewrites, by id, in their new form. */
  static final Map<String, String> FEATURE_PATTERNS = Map.of(
      "calls-after-failed-payment", """
          id: calls-after-failed-payment
          description: A failed payment, then two or more calls within 3 hours, within 2 days
          steps:
            - name: failed-payment
              when: event.type == "payment.failed"
            - name: calls
              when: event.channel == "CALL_CENTER" && event.type == "call.inbound"
              times: "2+"
              within: 3h
          within: 2d
          """,
      "phone-shopping", """
          id: phone-shopping
          description: Browsed phones and visited a store, in either order, within 3 days
          steps:
            - name: shopped
              anyOrder:
                - name: browsed-phones
                  when: >-
                    event.type == "page.view" && has(event.attributes.page)
                    && event.attributes.page == "phones"
                - name: store-visit
                  when: event.type == "store.visit"
          within: 3d
          """);

  /**
   * As {@link #write}, with the patterns of {@link #FEATURE_PATTERNS} in their feature form: a
   * step window and an anyOrder group beside the demo's cross-step condition and composed
   * audiences, so their cost shows beside the plain run of as many patterns.
   */
  static JobDefinition withFeatures(Path base, int patterns, Path into) throws Exception {
    JobDefinition job = write(base, patterns, into);
    for (Map.Entry<String, String> pattern : FEATURE_PATTERNS.entrySet()) {
      Path file = into.resolve("patterns/" + pattern.getKey() + ".yaml");
      if (!Files.exists(file)) {
        throw new IllegalArgumentException("no pattern " + pattern.getKey() + " among the "
            + job.patterns().size() + " of " + into);
      }
      Files.writeString(file, pattern.getValue());
    }
    return JobLoader.load(into);
  }

  private static Duration scaled(Duration within, double factor) {
    return within == null ? null
        : Duration.ofMinutes(Math.max(1, Math.round(within.toMinutes() * factor)));
  }

  /** Variation number {@code v} of its base (1, 2, ...), the {@code k}-th variation overall. */
  static PatternDefinition variation(PatternDefinition base, int v, int k) {
    List<StepDefinition> steps = base.steps();
    boolean single = base.isSingleEvent();
    Duration within = base.within();
    if (single && v % 2 == 0) {
      StepDefinition step = steps.get(0);
      steps = List.of(new StepDefinition(step.name(), vary(step.when(), v),
          new Times(2 + v % 3, null), false, Contiguity.RELAXED, 0));
      within = Duration.ofHours(6L * v);
    } else {
      List<StepDefinition> original = base.steps();
      double factor = WITHIN_FACTORS[v % WITHIN_FACTORS.length];
      steps = IntStream.range(0, original.size()).mapToObj(i -> {
        StepDefinition step = original.get(i);
        Times times = step.times().max() == null
            ? new Times(step.times().min() + v % 2, null) : step.times();
        return new StepDefinition(step.name(), vary(step.when(), v + i), times,
            step.absent(), step.contiguity(), scaled(step.within(), factor), 0);
      }).toList();
      within = scaled(within, factor);
    }
    AfterMatch afterMatch = steps.size() > 1 && v % 5 == 4 && !steps.get(0).absent()
        ? AfterMatch.NO_SKIP : base.afterMatch();
    return new PatternDefinition(base.id() + "-v" + k,
        "Variation " + v + " of " + base.id() + " (benchmark)", steps, within, afterMatch, null);
  }

  /** The condition with literals swapped and, for three in four variations, one more condition. */
  private static String vary(String condition, int v) {
    String varied = swapLiterals(condition, v);
    Matcher type = EVENT_TYPE.matcher(condition);
    List<String> extra = type.find() ? EXTRA.get(type.group(1)) : null;
    if (extra == null || v % 4 == 0) {
      return varied;
    }
    return varied + " && " + extra.get(v % extra.size());
  }

  private static String swapLiterals(String condition, int v) {
    Matcher m = LITERAL.matcher(condition);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      List<String> options = ALTERNATIVES.get(m.group(1));
      String value = options == null ? m.group(1) : options.get(v % options.size());
      m.appendReplacement(out, Matcher.quoteReplacement("\"" + value + "\""));
    }
    m.appendTail(out);
    return out.toString();
  }

  static String yaml(PatternDefinition p) {
    StringBuilder y = new StringBuilder();
    y.append("id: ").append(p.id()).append('\n');
    if (p.description() != null) {
      y.append("description: ").append(quote(p.description())).append('\n');
    }
    y.append("steps:\n");
    for (StepDefinition s : p.steps()) {
      y.append("  - name: ").append(s.name()).append('\n');
      y.append("    when: ").append(quote(s.when())).append('\n');
      if (!s.times().isOnce()) {
        y.append("    times: \"").append(s.times()).append("\"\n");
      }
      if (s.absent()) {
        y.append("    absent: true\n");
      }
      if (s.contiguity() != Contiguity.RELAXED) {
        y.append("    contiguity: ").append(s.contiguity().configName()).append('\n');
      }
    }
    if (p.within() != null) {
      y.append("within: ").append(Durations.format(p.within())).append('\n');
    }
    if (p.afterMatch() != null && p.afterMatch() != AfterMatch.SKIP_PAST_LAST_EVENT) {
      y.append("afterMatch: ").append(p.afterMatch().configName()).append('\n');
    }
    return y.toString();
  }

  private static String quote(String text) {
    return "'" + text.replace("'", "''") + "'";
  }

  /**
   * Fewer patterns than the base has: the audiences and suppressions that name a dropped pattern
   * or a dropped audience go too, until none is left that does.
   */
  private static void dropReferringTo(List<String> dropped, Path into, JobDefinition job)
      throws IOException {
    boolean more = !dropped.isEmpty();
    while (more) {
      more = false;
      for (String folder : List.of("audiences", "suppressions")) {
        Path dir = into.resolve(folder);
        if (!Files.isDirectory(dir)) {
          continue;
        }
        try (Stream<Path> files = Files.list(dir)) {
          for (Path file : files.toList()) {
            String text = Files.readString(file);
            if (dropped.stream().anyMatch(id -> Pattern.compile(
                "(?<![a-z0-9-])" + Pattern.quote(id) + "(?![a-z0-9-])").matcher(text).find())) {
              Files.delete(file);
              job.audiences().stream().filter(a -> a.file().endsWith("/" + file.getFileName()))
                  .forEach(a -> dropped.add(a.id()));
              more = true;
            }
          }
        }
      }
    }
  }

  private static void copyFolder(Path from, Path to) throws IOException {
    if (!Files.isDirectory(from)) {
      return;
    }
    Files.createDirectories(to);
    try (Stream<Path> files = Files.list(from)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        Files.copy(f, to.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
      }
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
