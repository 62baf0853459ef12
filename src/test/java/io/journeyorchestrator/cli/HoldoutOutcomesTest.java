package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.internal.avro.OutputLine;
import io.journeyorchestrator.io.OutputLines;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Holdout against treated: entries after each customer's first decision, per audience. */
class HoldoutOutcomesTest {
  private static OutputLine change(String customer, long time, String label) {
    return new OutputLine(OutputLines.AUDIENCE_CHANGES, time, customer, customer + time, label,
        "", "{}");
  }

  @Test
  void shouldCountEntriesAfterTheFirstDecisionOncePerCustomerAndGroup() {
    Map<String, Long> firstDecision = Map.of("held", 100L, "treated-1", 100L, "treated-2", 200L);
    List<OutputLine> changes = List.of(
        // The entry that made the decision is its cause, not its outcome.
        change("treated-1", 100, "support ENTERED"),
        change("treated-1", 150, "support EXITED"),
        change("treated-1", 160, "support ENTERED"),
        change("treated-1", 170, "support ENTERED"),
        change("treated-2", 150, "support ENTERED"),
        change("treated-2", 250, "support EXTENDED"),
        change("held", 300, "support ENTERED"),
        change("held", 300, "activated ENTERED"),
        change("never-decided", 300, "activated ENTERED"));

    assertThat(HoldoutOutcomes.rows(firstDecision, Set.of("held"), changes,
        List.of("support", "activated", "other"))).containsExactly(
        new HoldoutOutcomes.Row("support", 1, 1),
        new HoldoutOutcomes.Row("activated", 1, 0),
        new HoldoutOutcomes.Row("other", 0, 0));
  }
}
