package io.journeyorchestrator.customerstate;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A reader never sees a membership past its expiry, nor a suppression nothing holds any more. */
class CustomerStatesTest {
  private static final CustomerState STATE = new CustomerState("alice", minutes(10),
      List.of(new CurrentMembership("high-value", minutes(10), null),
          new CurrentMembership("support-case", minutes(10), minutes(70))),
      List.of(new ActiveSuppression("quiet", List.of(), List.of("marketing"),
          List.of("support-case"), minutes(70)),
          new ActiveSuppression("vip", List.of(), List.of(),
              List.of("high-value", "support-case"), null)),
      List.of(), null);

  @Test
  void shouldReportTheStateUnchangedBeforeAnyExpiry() {
    assertThat(CustomerStates.asOf(STATE, minutes(69))).isSameAs(STATE);
  }

  @Test
  void shouldLeaveOutAnExpiredMembershipAndWhatOnlyItHeld() {
    CustomerState now = CustomerStates.asOf(STATE, minutes(70));
    assertThat(now.getMemberships()).extracting(CurrentMembership::getAudienceId)
        .containsExactly("high-value");
    assertThat(now.getSuppressions()).hasSize(1);
    assertThat(now.getSuppressions().get(0).getPolicyId()).isEqualTo("vip");
    assertThat(now.getSuppressions().get(0).getAudiences()).containsExactly("high-value");
  }
}
