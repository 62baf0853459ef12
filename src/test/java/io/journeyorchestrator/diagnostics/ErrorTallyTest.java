package io.journeyorchestrator.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.diagnostics.ErrorTally.Entry;
import io.journeyorchestrator.diagnostics.ErrorTally.Sample;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Merged in any order, tallies count every error and keep the one on the earliest event. */
class ErrorTallyTest {
  private static final long BEGINNING = 1_000_000L;
  private static final long ONE_MINUTE_LATER = BEGINNING + 60_000;

  private static final String STEP = "calls-after-failed-payment/calls";

  private static Sample missingAmount(long time, String eventId) {
    return new Sample(STEP, time, eventId, "key 'amount' is not present in map");
  }

  private static ErrorTally tallyOf(Sample... samples) {
    ErrorTally tally = new ErrorTally();
    List.of(samples).forEach(tally::add);
    return tally;
  }

  @Test
  void shouldKeepTheEarliestEventWhicheverSubtaskMergesFirst() {
    // Subtask a met the later event first; subtask b met the earliest one, and at the same
    // instant an event whose id sorts after it.
    Sample earliest = missingAmount(BEGINNING, "e-1");
    ErrorTally a = tallyOf(missingAmount(ONE_MINUTE_LATER, "e-0"), missingAmount(BEGINNING, "e-2"));
    ErrorTally b = tallyOf(missingAmount(BEGINNING, "e-3"), earliest);
    b.add(new Sample("other/step", ONE_MINUTE_LATER, "e-9", "no such overload"));

    ErrorTally aThenB = a.clone();
    aThenB.merge(b);
    ErrorTally bThenA = b.clone();
    bThenA.merge(a);

    Map<String, Entry> expected = Map.of(
        STEP, new Entry(4, earliest),
        "other/step", new Entry(1,
            new Sample("other/step", ONE_MINUTE_LATER, "e-9", "no such overload")));
    assertThat(aThenB.getLocalValue()).isEqualTo(expected).isEqualTo(bThenA.getLocalValue());
    assertThat(aThenB.getLocalValue().keySet()).containsExactly(STEP, "other/step");
  }

  @Test
  void shouldNotChangeTheMergedTallyOrItsCloneSource() {
    ErrorTally a = tallyOf(missingAmount(BEGINNING, "e-1"));
    ErrorTally copy = a.clone();
    copy.merge(tallyOf(missingAmount(BEGINNING, "e-2")));

    assertThat(a.getLocalValue()).containsExactly(
        Map.entry(STEP, new Entry(1, missingAmount(BEGINNING, "e-1"))));
    assertThat(copy.getLocalValue().get(STEP).count()).isEqualTo(2);

    copy.resetLocal();
    assertThat(copy.getLocalValue()).isEmpty();
  }

  @Test
  void shouldSurviveJavaSerializationAsFlinkShipsAccumulators() throws Exception {
    ErrorTally tally = tallyOf(missingAmount(BEGINNING, "e-1"), missingAmount(BEGINNING, "e-2"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(tally);
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(((ErrorTally) in.readObject()).getLocalValue())
          .isEqualTo(tally.getLocalValue());
    }
  }
}
