package io.journeyorchestrator.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random analyst patterns (YAML) over event types a, b, c, d, covering every step kind the
 * analyst's guide allows: 1 to 4 steps; times once, N, N+ and N..M; contiguity relaxed, strict and
 * any for steps and their repetitions; absent steps in the middle and last (relaxed and strict);
 * within; afterMatch skip-past-last-event and no-skip. Conditions overlap (an event can hold for
 * several steps, including an absent one and the step after it), and some compare the event's
 * attribute {@code k} with the one an earlier present step took ({@code steps.<name>}, present
 * and absent steps alike). Deterministic for a seed.
 */
final class RandomPatterns {
  /** Event times fall on multiples of this, so that windows and events meet exactly. */
  static final long UNIT = 1000;

  static final List<String> TYPES = List.of("a", "b", "c", "d");

  private static final List<String> CONDITIONS = List.of(
      "event.type == \"a\"", "event.type == \"a\"", "event.type == \"b\"", "event.type == \"b\"",
      "event.type == \"c\"", "event.type == \"d\"", "event.type in [\"a\", \"b\"]",
      "event.type in [\"b\", \"c\"]", "event.type != \"a\"", "true");

  private RandomPatterns() {}

  static String pattern(String id, Random random) {
    int roll = random.nextInt(100);
    int steps = roll < 15 ? 1 : roll < 50 ? 2 : roll < 82 ? 3 : 4;
    StringBuilder yaml = new StringBuilder("id: ").append(id).append('\n');
    yaml.append("afterMatch: ").append(random.nextBoolean() ? "skip-past-last-event" : "no-skip")
        .append('\n');
    yaml.append("steps:\n");
    boolean previousAbsent = false;
    boolean needsWithin = steps > 1;
    List<String> present = new ArrayList<>();
    for (int i = 0; i < steps; i++) {
      boolean absent = i > 0 && !previousAbsent && random.nextInt(100) < 35;
      yaml.append("  - name: s").append(i).append('\n');
      yaml.append("    when: '").append(CONDITIONS.get(random.nextInt(CONDITIONS.size())));
      if (!present.isEmpty() && random.nextInt(100) < 30) {
        // A cross-step condition: the event's k against the k an earlier step took.
        yaml.append(" && event.attributes.k ").append(random.nextBoolean() ? "==" : "!=")
            .append(" steps.").append(present.get(random.nextInt(present.size())))
            .append(".attributes.k");
      }
      yaml.append("'\n");
      if (absent) {
        yaml.append("    absent: true\n");
        if (random.nextBoolean()) {
          yaml.append("    contiguity: strict\n");
        }
      } else {
        String times = times(random);
        if (times != null) {
          yaml.append("    times: \"").append(times).append("\"\n");
          needsWithin = true;
        }
        int contiguity = random.nextInt(100);
        if (contiguity < 30) {
          yaml.append("    contiguity: strict\n");
        } else if (contiguity < 60) {
          yaml.append("    contiguity: any\n");
        }
      }
      if (!absent) {
        present.add("s" + i);
      }
      previousAbsent = absent;
    }
    if (needsWithin || random.nextBoolean()) {
      yaml.append("within: ").append((2 + random.nextInt(9)) * UNIT).append("ms\n");
    }
    return yaml.toString();
  }

  private static String times(Random random) {
    int roll = random.nextInt(100);
    if (roll < 45) {
      return null;
    }
    int min = 1 + random.nextInt(3);
    if (roll < 62) {
      return Integer.toString(Math.max(2, min));
    }
    if (roll < 80) {
      return min + "+";
    }
    return min + ".." + (min + 1 + random.nextInt(2));
  }
}
