package io.journeyorchestrator.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.EventCatalogCheck.Finding;
import io.journeyorchestrator.config.EventCatalogCheck.Tally;
import io.journeyorchestrator.io.JsonEventCodec;
import io.journeyorchestrator.timeline.CustomerTimeline;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Recorded events against a catalog: each kind of misfit counted, with its first example. */
class EventCatalogCheckTest {
  @TempDir Path dir;

  private EventCatalogCheck check;
  private long line;

  @BeforeEach
  void loadCatalog() throws Exception {
    EventCatalog catalog = JobLoader.load(JobFolder.in(dir).events(EventCatalogLoadingTest.CATALOG
        .replace("    attributes:\n      reason: string\n",
            "    attributes:\n      reason: string\n      endsAt: timestamp\n")).path())
        .catalogOptional().orElseThrow();
    check = new EventCatalogCheck(catalog);
  }

  private void event(String type, String channel, String attributes) throws Exception {
    line++;
    check.check(line, JsonEventCodec.parse("{\"eventId\":\"e" + line + "\",\"customerId\":\"c\","
        + "\"timestamp\":" + line + ",\"type\":\"" + type + "\",\"channel\":\"" + channel + "\","
        + "\"attributes\":" + attributes + "}"));
  }

  @Test
  void shouldFindNothingInEventsThatFit() throws Exception {
    event("payment.failed", "WEB", "{\"amount\":12.5,\"reason\":\"card\"}");
    event("payment.failed", "APP", "{\"amount\":100}");
    event("payment.failed", "APP", "{\"amount\":100,\"reason\":null}");
    event("call.inbound", "CALL_CENTER", "{\"endsAt\":\"2026-03-01T10:00:00+01:00\"}");
    event("call.inbound", "CALL_CENTER", "{}");
    event("profile.updated", "WEB", "{\"tier\":\"gold\",\"tenureMonths\":30}");

    assertThat(check.tallies()).containsOnlyKeys(Finding.values())
        .allSatisfy((finding, tally) -> assertThat(tally.count()).as(finding.label()).isZero());
  }

  @Test
  void shouldCountEachMisfitWithItsFirstExample() throws Exception {
    event("payment.failed", "WEB", "{\"amount\":12.5}");
    event("call.inbund", "CALL_CENTER", "{\"reason\":\"billing\"}");
    event("payment.failed", "SMS", "{\"amount\":\"12.50\",\"amout\":1}");
    event("call.inbund", "CALL_CENTER", "{}");
    event("payment.failed", "WEB", "{\"reason\":\"card\"}");
    event("payment.failed", "WEB", "{\"amount\":null}");
    event("call.inbound", "WEB", "{\"endsAt\":\"tomorrow\"}");
    event("profile.updated", "WEB", "{\"tier\":\"gold\",\"tenureMonths\":\"five\",\"vip\":true}");

    Map<Finding, Tally> tallies = check.tallies();

    assertThat(tallies.get(Finding.UNKNOWN_TYPE))
        .isEqualTo(new Tally(2, 2, "type \"call.inbund\""));
    assertThat(tallies.get(Finding.UNDECLARED_ATTRIBUTE))
        .isEqualTo(new Tally(2, 3, "payment.failed attribute \"amout\""));
    assertThat(tallies.get(Finding.WRONG_TYPE))
        .isEqualTo(new Tally(3, 3, "payment.failed attribute \"amount\" is \"12.50\", not decimal"));
    assertThat(tallies.get(Finding.MISSING_REQUIRED))
        .isEqualTo(new Tally(2, 5, "payment.failed without \"amount\""));
    assertThat(tallies.get(Finding.UNDECLARED_CHANNEL))
        .isEqualTo(new Tally(1, 3, "channel SMS"));
  }

  @Test
  void shouldCheckProfileUpdatesAgainstTheProfileFacts() throws Exception {
    event("profile.updated", "WEB", "{\"tenureMonths\":\"five\"}");

    assertThat(check.tallies().get(Finding.WRONG_TYPE)).isEqualTo(new Tally(1, 1,
        "profile.updated attribute \"tenureMonths\" is \"five\", not int"));
    assertThat(EventCatalog.PROFILE_UPDATE_TYPE)
        .isEqualTo(CustomerTimeline.PROFILE_UPDATE_TYPE);
  }
}
