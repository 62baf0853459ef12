package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.PatternDefinition;
import io.journeyorchestrator.config.SuppressionDefinition;
import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import io.journeyorchestrator.job.ReplayJob;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What an edit of a job folder changes over the same recorded events: the replay of the folder
 * before the edit against the replay after, per pattern, audience and suppression policy. Each
 * shows its count of records before and after, and the customers behind the difference: who would
 * newly be matched, enter or be suppressed and who no longer would, and who would newly (or no
 * longer) be a member or suppressed at the end, each with a few example ids. So an analyst sees
 * the blast radius of an edit before it goes live.
 *
 * <p>Replay outputs are sorted by time, so the last audience change (or suppression decision) of a
 * customer in a list is where that customer ends.
 */
record ReplayComparison(List<Section> sections, SortedSet<String> affectedCustomers) {
  static final int EXAMPLES = 3;

  /** Patterns, audiences or suppression policies. */
  record Section(String title, String counted, List<Item> items) {}

  /**
   * One pattern, audience or policy.
   *
   * @param presence {@code both}, or {@code after} / {@code before} for an id in one version only
   */
  record Item(String id, String presence, long before, long after, List<Difference> differences) {
    boolean changed() {
      return before != after || !differences.isEmpty() || !presence.equals(BOTH);
    }
  }

  /** Customers in one version's set only, e.g. "would newly enter". */
  record Difference(String label, SortedSet<String> customers) {
    List<String> examples() {
      return customers.stream().limit(EXAMPLES).toList();
    }
  }

  static final String BOTH = "both";

  static ReplayComparison of(JobDefinition beforeJob, ReplayJob.Result before,
      JobDefinition afterJob, ReplayJob.Result after) {
    List<Section> sections = List.of(
        patterns(ids(beforeJob.patterns().stream().map(PatternDefinition::id).toList(),
            afterJob.patterns().stream().map(PatternDefinition::id).toList()), before, after),
        audiences(ids(beforeJob.audiences().stream().map(AudienceDefinition::id).toList(),
            afterJob.audiences().stream().map(AudienceDefinition::id).toList()), before, after),
        suppressions(ids(beforeJob.suppressions().stream().map(SuppressionDefinition::id).toList(),
            afterJob.suppressions().stream().map(SuppressionDefinition::id).toList()),
            before, after));
    SortedSet<String> affected = new TreeSet<>();
    sections.forEach(section -> section.items().forEach(
        item -> item.differences().forEach(difference -> affected.addAll(difference.customers()))));
    return new ReplayComparison(sections, affected);
  }

  /** The number of patterns, audiences and policies that change. */
  long changedItems() {
    return sections.stream().flatMap(section -> section.items().stream())
        .filter(Item::changed).count();
  }

  void print(PrintWriter out, String beforeName, String afterName) {
    out.printf("Compared with %s (before) -> %s (after), over the same events%n", beforeName,
        afterName);
    for (Section section : sections) {
      out.printf("%-40s %9s %9s %9s%n", section.title() + ": " + section.counted(), "before",
          "after", "change");
      for (Item item : section.items()) {
        String name = item.id() + switch (item.presence()) {
          case "after" -> " (new)";
          case "before" -> " (removed)";
          default -> "";
        };
        out.printf("  %-38s %9s %9s %9s%n", name, count(item.before()), count(item.after()),
            item.changed() ? signed(item.after() - item.before()) : "=");
        for (Difference difference : item.differences()) {
          out.printf("    %s: %s (e.g. %s)%n", difference.label(),
              customers(difference.customers().size()), String.join(", ", difference.examples()));
        }
      }
    }
    long changed = changedItems();
    out.printf(changed == 0
        ? "No differences: every pattern, audience and policy decides the same.%n"
        : "In all: %d changed, %s affected.%n", changed, customers(affectedCustomers.size()));
    out.flush();
  }

  /** The comparison as plain data, for {@code comparison.json}. */
  Map<String, Object> toJson(String beforeName, String afterName) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("before", beforeName);
    json.put("after", afterName);
    json.put("changed", changedItems());
    json.put("affectedCustomers", affectedCustomers.size());
    List<Object> sectionsJson = new ArrayList<>();
    for (Section section : sections) {
      List<Object> items = new ArrayList<>();
      for (Item item : section.items()) {
        Map<String, Object> itemJson = new LinkedHashMap<>();
        itemJson.put("id", item.id());
        itemJson.put("presence", item.presence());
        itemJson.put("before", item.before());
        itemJson.put("after", item.after());
        itemJson.put("changed", item.changed());
        itemJson.put("differences", item.differences().stream().map(difference -> Map.of(
            "label", difference.label(), "customers", difference.customers().size(),
            "examples", difference.examples())).toList());
        items.add(itemJson);
      }
      sectionsJson.add(Map.of("title", section.title(), "counted", section.counted(),
          "items", items));
    }
    json.put("sections", sectionsJson);
    return json;
  }

  private static Section patterns(Map<String, String> ids, ReplayJob.Result before,
      ReplayJob.Result after) {
    Map<String, Set<String>> matchedBefore = customersBy(before.of(OutputLines.MATCHES), l -> true);
    Map<String, Set<String>> matchedAfter = customersBy(after.of(OutputLines.MATCHES), l -> true);
    List<Item> items = new ArrayList<>();
    ids.forEach((id, presence) -> items.add(new Item(id, presence,
        count(before.of(OutputLines.MATCHES), id), count(after.of(OutputLines.MATCHES), id),
        differences(matchedBefore.get(id), matchedAfter.get(id), "newly matched",
            "no longer matched"))));
    return new Section("Patterns", "matches", items);
  }

  private static Section audiences(Map<String, String> ids, ReplayJob.Result before,
      ReplayJob.Result after) {
    return changes("Audiences", "entries", ids, before.of(OutputLines.AUDIENCE_CHANGES),
        after.of(OutputLines.AUDIENCE_CHANGES), "ENTERED", kind -> !kind.equals("EXITED"),
        List.of("would newly enter", "would no longer enter", "newly a member at the end",
            "no longer a member at the end"));
  }

  private static Section suppressions(Map<String, String> ids, ReplayJob.Result before,
      ReplayJob.Result after) {
    return changes("Suppressions", "suppress decisions", ids, before.of(OutputLines.SUPPRESSIONS),
        after.of(OutputLines.SUPPRESSIONS), "SUPPRESS", kind -> kind.equals("SUPPRESS"),
        List.of("newly suppressed", "no longer suppressed", "newly suppressed at the end",
            "no longer suppressed at the end"));
  }

  /**
   * Lines labelled "id KIND": per id, the lines of the counted kind, the customers with one, and
   * the customers whose last line has a kind that holds at the end.
   *
   * @param labels gained and lost of the customers counted, then of those held at the end
   */
  private static Section changes(String title, String counted, Map<String, String> ids,
      List<OutputLine> before, List<OutputLine> after, String countedKind,
      Predicate<String> holds, List<String> labels) {
    Predicate<OutputLine> isCounted = line -> kindOf(line).equals(countedKind);
    Map<String, Set<String>> countedBefore = customersBy(before, isCounted);
    Map<String, Set<String>> countedAfter = customersBy(after, isCounted);
    Map<String, Set<String>> endBefore = atEnd(before, holds);
    Map<String, Set<String>> endAfter = atEnd(after, holds);
    List<Item> items = new ArrayList<>();
    ids.forEach((id, presence) -> {
      List<Difference> differences = new ArrayList<>(differences(countedBefore.get(id),
          countedAfter.get(id), labels.get(0), labels.get(1)));
      differences.addAll(differences(endBefore.get(id), endAfter.get(id), labels.get(2),
          labels.get(3)));
      items.add(new Item(id, presence, count(before, id + " " + countedKind),
          count(after, id + " " + countedKind), differences));
    });
    return new Section(title, counted, items);
  }

  /** Every id of either version, sorted, with the version it is in. */
  private static Map<String, String> ids(List<String> before, List<String> after) {
    Map<String, String> ids = new TreeMap<>();
    before.forEach(id -> ids.put(id, "before"));
    after.forEach(id -> ids.merge(id, "after", (was, now) -> BOTH));
    return ids;
  }

  private static List<Difference> differences(Set<String> before, Set<String> after,
      String gainedLabel, String lostLabel) {
    Set<String> was = before == null ? Set.of() : before;
    Set<String> now = after == null ? Set.of() : after;
    List<Difference> differences = new ArrayList<>(2);
    SortedSet<String> gained = new TreeSet<>(now);
    gained.removeAll(was);
    if (!gained.isEmpty()) {
      differences.add(new Difference(gainedLabel, gained));
    }
    SortedSet<String> lost = new TreeSet<>(was);
    lost.removeAll(now);
    if (!lost.isEmpty()) {
      differences.add(new Difference(lostLabel, lost));
    }
    return differences;
  }

  /** Customers of the lines that pass, by the id their label starts with. */
  private static Map<String, Set<String>> customersBy(List<OutputLine> lines,
      Predicate<OutputLine> counted) {
    Map<String, Set<String>> customers = new HashMap<>();
    for (OutputLine line : lines) {
      if (counted.test(line)) {
        customers.computeIfAbsent(idOf(line), id -> new TreeSet<>()).add(line.getCustomerId());
      }
    }
    return customers;
  }

  /** Per id, the customers whose last line of that id has a kind that holds. */
  private static Map<String, Set<String>> atEnd(List<OutputLine> lines,
      Predicate<String> holding) {
    Map<String, Map<String, String>> lastKind = new HashMap<>();
    for (OutputLine line : lines) {
      lastKind.computeIfAbsent(idOf(line), id -> new HashMap<>())
          .put(line.getCustomerId(), kindOf(line));
    }
    Map<String, Set<String>> holdingAtEnd = new HashMap<>();
    lastKind.forEach((id, kinds) -> kinds.forEach((customer, kind) -> {
      if (holding.test(kind)) {
        holdingAtEnd.computeIfAbsent(id, key -> new TreeSet<>()).add(customer);
      }
    }));
    return holdingAtEnd;
  }

  private static long count(List<OutputLine> lines, String label) {
    return lines.stream().filter(line -> line.getLabel().equals(label)).count();
  }

  /** The id in a label "id KIND" (audience changes, suppressions) or "id" (matches). */
  private static String idOf(OutputLine line) {
    String label = line.getLabel();
    int space = label.lastIndexOf(' ');
    return space < 0 ? label : label.substring(0, space);
  }

  private static String kindOf(OutputLine line) {
    String label = line.getLabel();
    return label.substring(label.lastIndexOf(' ') + 1);
  }

  private static String count(long n) {
    return String.format("%,d", n);
  }

  private static String signed(long n) {
    return (n > 0 ? "+" : "") + String.format("%,d", n);
  }

  private static String customers(long n) {
    return String.format("%,d customer%s", n, n == 1 ? "" : "s");
  }
}
