package io.journeyorchestrator.decisions;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.BitSet;
import org.junit.jupiter.api.Test;

/** The holdout group is a stable 10% ± 1% of 100k customers, and a new salt draws a new one. */
class HoldoutGroupTest {
  private static final int CUSTOMERS = 100_000;

  @Test
  void shouldHoldOutTenPercentWithinOnePercentOfAHundredThousandCustomers() {
    BitSet held = draw(new HoldoutGroup("telecom-2026"), 10);
    assertThat(held.cardinality()).isBetween(9_000, 11_000);
  }

  @Test
  void shouldDrawTheSameGroupEveryTimeFromTheSameSalt() {
    assertThat(draw(new HoldoutGroup("telecom-2026"), 10))
        .isEqualTo(draw(new HoldoutGroup("telecom-2026"), 10));
  }

  @Test
  void shouldDrawAnotherGroupFromAnotherSalt() {
    BitSet first = draw(new HoldoutGroup("telecom-2026"), 10);
    BitSet other = draw(new HoldoutGroup("telecom-2027"), 10);
    BitSet both = (BitSet) first.clone();
    both.and(other);
    // Independent draws overlap in about 10% of 10%: 1,000 of 100k.
    assertThat(both.cardinality()).isBetween(700, 1_300);
  }

  @Test
  void shouldHoldOutNobodyAtZeroAndKeepTheSmallerGroupInsideTheLarger() {
    HoldoutGroup group = new HoldoutGroup("s");
    assertThat(draw(group, 0).cardinality()).isZero();
    BitSet five = draw(group, 5);
    BitSet ten = draw(group, 10);
    five.andNot(ten);
    assertThat(five.cardinality()).isZero();
  }

  private static BitSet draw(HoldoutGroup group, double percent) {
    BitSet held = new BitSet(CUSTOMERS);
    for (int i = 0; i < CUSTOMERS; i++) {
      if (group.holdsOut("customer-" + i, percent)) {
        held.set(i);
      }
    }
    return held;
  }
}
