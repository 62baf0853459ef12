package io.journeyorchestrator.cli;

import static io.journeyorchestrator.testing.Events.event;
import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.testing.ReplayRunner;
import io.journeyorchestrator.testing.Scripts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scripts/explain.sh}: one customer's journey from a traced replay, with local
 * times, the matches each event took part in, entries the audience operator ignored (cooldown,
 * enterWhen false with the profile it saw) and, for an audience, the step the customer lacks.
 */
class ExplainCommandITCase {
  @TempDir Path dir;

  private record Run(int exit, String out) {}

  private static Run explain(String... args) throws Exception {
    Scripts.Result result = Scripts.run(Duration.ofMinutes(3), "scripts/explain.sh", args);
    return new Run(result.exitCode(), result.output());
  }

  private Path job() {
    return JobFolder.in(dir.resolve("job"))
        .pattern("visit", "id: store-visit\nsteps:\n  - name: visit\n"
            + "    when: event.type == \"store.visit\"\n")
        .pattern("bought", "id: bought\nsteps:\n  - name: bought\n"
            + "    when: event.type == \"order.completed\"\n")
        .pattern("failed", "id: payment-failed\nsteps:\n  - name: failed\n"
            + "    when: event.type == \"payment.failed\"\n")
        .pattern("calls", JobFolder.PATTERN)
        .pattern("big", "id: big-payment\nsteps:\n  - name: big\n"
            + "    when: event.type == \"payment.failed\" && event.attributes.amount > 100\n")
        .audience("shoppers", "id: shoppers\nenter: [store-visit]\nexit: [bought]\ncooldown: 1h\n")
        .audience("trouble", "id: payment-trouble\nenter: [payment-failed]\n"
            + "enterWhen: profile.tier == \"gold\"\n")
        .audience("callers", "id: callers\nenter: [calls-after-failed-payment]\n")
        .path();
  }

  @Test
  void shouldTellOneCustomersJourneyWithWhatWasBlockedAndWhatIsLacking() throws Exception {
    Path events = ReplayRunner.writeLines(dir.resolve("events.jsonl"), List.of(
        event("p1", "alice", minutes(0), "profile.updated", "OTHER",
            Map.of("tier", "silver", "timezone", "Europe/Berlin")),
        event("v1", "alice", minutes(10), "store.visit", "STORE"),
        event("o1", "alice", minutes(20), "order.completed", "STORE"),
        event("v2", "alice", minutes(30), "store.visit", "STORE"),
        event("f1", "alice", minutes(40), "payment.failed", "PAYMENT"),
        event("c1", "alice", minutes(50), "call.inbound", "CALL_CENTER"),
        event("v3", "bob", minutes(300), "store.visit", "STORE")));

    Run run = explain("--job", job().toString(), "--events", events.toString(),
        "--customer", "alice", "--audience", "callers");

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out())
        .contains("Customer alice: 6 events, 4 matches, 2 audience changes")
        .contains("local times in Europe/Berlin")
        // 09:10 UTC is 10:10 in Berlin.
        .containsPattern("2026-03-02T09:10:00Z  03-02 10:10  EVENT +store\\.visit +STORE v1"
            + " +\\(line 2\\)  -> in store-visit")
        .containsPattern("2026-03-02T09:30:00Z  03-02 10:30  BLOCKED +shoppers +entry by"
            + " pattern:store-visit ignored: in cooldown until 2026-03-02T10:20:00Z")
        .contains("entry by pattern:payment-failed ignored: enterWhen is false (profile:"
            + " {tier=silver, timezone=Europe/Berlin})")
        // The journey engine's partial matches of the pattern that did not match.
        .contains("2026-03-02T09:40:00Z  03-02 10:40  PARTIAL   calls-after-failed-payment"
            + " partial match started: f1 took step failed-payment")
        .contains("2026-03-02T09:50:00Z  03-02 10:50  PARTIAL   calls-after-failed-payment"
            + " partial match advanced: c1 took step calls (2 events: f1,c1)")
        .contains("2026-03-02T12:40:00Z  03-02 13:40  PARTIAL   calls-after-failed-payment"
            + " partial match timed out after 3h at step calls (f1,c1)")
        .contains("2026-03-02T09:40:00Z  03-02 10:40  PARTIAL   big-payment                step big:"
            + " condition failed on f1 (counted as false): ")
        .doesNotContain("bob")
        .contains("Why not callers?")
        .contains("at the end: not a member; 0 entries, 0 exits")
        .contains("pattern calls-after-failed-payment: matched 0 times, within 3h; partial"
            + " matches: 1 started, 1 advanced, 1 timed out, 0 dropped; last: partial match timed"
            + " out after 3h at step calls (f1,c1)")
        .contains("step failed-payment (needs 1 events; event.type == \"payment.failed\"):"
            + " 1 events satisfy it: f1 at 2026-03-02T09:40:00Z")
        .containsPattern("step calls \\(needs 2\\+ events; [^)]*\\): 1 events satisfy it: c1 at"
            + " 2026-03-02T09:50:00Z  <- what the customer lacks");
  }

  /** On the demo job: a customer who entered and was then held off by cooldown. */
  @Test
  void shouldExplainAnEntryAndTheCooldownThatFollowedOnTheDemoJob() throws Exception {
    Run run = explain("--job", "jobs/telecom-demo", "--events",
        "jobs/telecom-demo/recorded-events.jsonl", "--customer", "c-000006",
        "--audience", "trade-in-offer");

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out())
        .contains("2026-03-02T20:01:55Z  ENTERED   trade-in-offer             pattern:phone-shopping"
            + "  (expires 2026-03-16T20:01:55Z)")
        .contains("2026-03-04T16:16:21Z  EXITED    trade-in-offer             pattern:device-purchased")
        .contains("2026-03-05T10:14:46Z  BLOCKED   trade-in-offer             entry by"
            + " pattern:phone-shopping ignored: in cooldown until 2026-04-03T16:16:21.422Z")
        .contains("Why not trade-in-offer?")
        .contains("at the end: not a member; 1 entries, 1 exits");
  }

  /** On the demo job: enterWhen refusing a bronze customer, and an absence that timed out. */
  @Test
  void shouldExplainAnEnterWhenRefusalAndAnAbsenceThatTimedOutOnTheDemoJob() throws Exception {
    Run run = explain("--job", "jobs/telecom-demo", "--events",
        "jobs/telecom-demo/recorded-events.jsonl", "--customer", "c-000007");

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out())
        .contains("2026-03-06T17:17:26Z  BLOCKED   trade-in-offer             entry by"
            + " pattern:phone-shopping ignored: enterWhen is false (profile: {preferredDevice=iphone,"
            + " segment=consumer, tenureMonths=9, tier=bronze})")
        // The device bought on the 12th was not activated within 7 days: the absence step's
        // deadline completes the match a week later, and the customer enters activation-help.
        .containsPattern("2026-03-12T09:01:00Z  EVENT     order\\.completed .* e-7-4808 .*"
            + "-> in device-purchased, device-not-activated")
        .contains("2026-03-12T09:01:00Z  PARTIAL   device-not-activated       partial match"
            + " started: e-7-4808 took step device-purchase")
        .contains("2026-03-19T09:01:00Z  MATCH     device-not-activated       1 events from"
            + " 2026-03-12T09:01:00Z (e-7-4808)")
        .contains("2026-03-19T09:01:00Z  ENTERED   activation-help            "
            + "pattern:device-not-activated");
  }

  @Test
  void shouldRefuseAnAudienceTheJobDoesNotHave() throws Exception {
    Path events = ReplayRunner.writeLines(dir.resolve("events.jsonl"), List.of(
        event("v1", "alice", minutes(10), "store.visit", "STORE")));
    Run run = explain("--job", job().toString(), "--events", events.toString(),
        "--customer", "alice", "--audience", "shopers");
    assertThat(run.exit()).as(run.out()).isEqualTo(JourneyCli.INVALID);
    assertThat(run.out()).contains("--audience shopers: no such audience")
        .contains("known: callers, payment-trouble, shoppers");
  }
}
