package io.journeyorchestrator.testing;

import io.journeyorchestrator.config.JobFolder;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Random customer journeys for invariant tests: event types that every step kind of
 * {@link #JOB_PATTERNS} reacts to, on a coarse time grid so that many events of one customer share
 * a millisecond, with follow-ups placed exactly at windows and expiries (the boundaries) and
 * random event ids (so id order is not file order), and an attribute {@code k} that two patterns
 * compare with an earlier step's ({@code steps.<name>}). Deterministic for a seed. Lines are in time
 * order, shuffled within an instant, so none is late.
 */
public final class RandomJourneys {
  /** The grid: every event falls on a multiple of this. */
  public static final Duration STEP = Duration.ofMinutes(5);

  private static final List<String> TYPES = List.of("payment.failed", "payment.succeeded",
      "call.inbound", "page.view", "cart.add", "store.visit", "upload.failed", "upload.succeeded",
      "device.purchased", "device.activated", "case.opened", "case.resolved");

  /** Boundaries the job below uses: absence windows, expiries, cooldowns. */
  private static final List<Duration> BOUNDARIES = List.of(Duration.ofHours(2),
      Duration.ofHours(3), Duration.ofMinutes(30), Duration.ofMinutes(90), Duration.ofHours(1));

  private RandomJourneys() {}

  /**
   * Patterns with every step kind: single, times, strict, any + no-skip, absent middle and last,
   * cross-step conditions on a present and on an absent step.
   */
  public static JobFolder job(JobFolder folder) {
    return folder
        .pattern("failed", single("payment-failed", "payment.failed"))
        .pattern("paid", single("payment-succeeded", "payment.succeeded"))
        .pattern("activated", single("device-activated", "device.activated"))
        .pattern("upload-ok", single("upload-succeeded", "upload.succeeded"))
        .pattern("opened", single("case-opened", "case.opened"))
        .pattern("resolved", single("case-resolved", "case.resolved"))
        .pattern("calls", """
            id: calls-after-failed-payment
            steps:
              - name: failed
                when: event.type == "payment.failed"
              - name: calls
                when: event.type == "call.inbound"
                times: "2+"
            within: 3h
            """)
        .pattern("cart", """
            id: view-then-cart
            steps:
              - name: view
                when: event.type == "page.view"
              - name: cart
                when: event.type == "cart.add"
                contiguity: strict
            within: 1h
            """)
        .pattern("visits", """
            id: view-then-visits
            afterMatch: no-skip
            steps:
              - name: view
                when: event.type == "page.view"
              - name: visits
                when: event.type == "store.visit"
                times: 2
                contiguity: any
            within: 2h
            """)
        .pattern("upload-trouble", """
            id: upload-failed-then-call
            steps:
              - name: failed
                when: event.type == "upload.failed"
              - name: succeeded
                when: event.type == "upload.succeeded"
                absent: true
              - name: call
                when: event.type == "call.inbound" && event.attributes.k == steps.failed.attributes.k
            within: 2h
            """)
        .pattern("not-activated", """
            id: device-not-activated
            steps:
              - name: bought
                when: event.type == "device.purchased"
              - name: activated
                when: event.type == "device.activated" && event.attributes.k == steps.bought.attributes.k
                absent: true
            within: 3h
            """)
        .audience("trouble", """
            id: payment-trouble
            enter: [payment-failed, calls-after-failed-payment]
            exit: [payment-succeeded]
            expireAfter: 2h
            cooldown: 30m
            """)
        .audience("shopping", """
            id: shopping
            enter: [view-then-cart, view-then-visits]
            exit: [payment-failed]
            expireAfter: 1h
            """)
        .audience("activation", """
            id: activation-help
            enter: [device-not-activated]
            exit: [device-activated]
            """)
        .audience("upload", """
            id: upload-help
            enter: [upload-failed-then-call]
            exit: [upload-succeeded]
            cooldown: 1h
            """)
        .audience("gold", """
            id: gold-support
            enter: [case-opened]
            enterWhen: has(profile.tier) && profile.tier == "gold"
            exit: [case-resolved]
            expireAfter: 90m
            """)
        .suppression("quiet", """
            id: quiet-while-in-trouble
            while: [payment-trouble, gold-support]
            channels: [EMAIL]
            """)
        .suppression("upsell", """
            id: no-upsell
            while: [activation-help, upload-help, shopping]
            categories: [upsell]
            """);
  }

  /** The job's suppression policies and the audiences they watch, for invariant checks. */
  public static final Map<String, List<String>> POLICIES = Map.of(
      "quiet-while-in-trouble", List.of("payment-trouble", "gold-support"),
      "no-upsell", List.of("activation-help", "upload-help", "shopping"));

  private static String single(String id, String type) {
    return "id: " + id + "\nsteps:\n  - name: step\n    when: event.type == \"" + type + "\"\n";
  }

  /** About {@code customers * eventsPerCustomer} event lines, in replay JSON. */
  public static List<String> lines(long seed, int customers, int eventsPerCustomer) {
    Random random = new Random(seed);
    record Line(long time, int shuffle, String json) {}
    List<Line> lines = new ArrayList<>();
    for (int c = 0; c < customers; c++) {
      String customer = "c" + c;
      long slot = 0;
      for (int i = 0; i < eventsPerCustomer; i++) {
        slot += random.nextInt(10) < 3 ? 0 : 1 + random.nextInt(6); // 30% share an instant
        Instant time = Events.minutes(0).plus(STEP.multipliedBy(slot));
        String type = pick(random, i);
        int shuffle = random.nextInt();
        String id = id(random);
        lines.add(new Line(time.toEpochMilli(), shuffle,
            Events.event(id, customer, time, type, channel(random), attributes(random, type, id))));
        if (random.nextInt(4) == 0) {
          Instant boundary = time.plus(BOUNDARIES.get(random.nextInt(BOUNDARIES.size())));
          String followUp = TYPES.get(random.nextInt(TYPES.size()));
          int followUpShuffle = random.nextInt();
          String followUpId = id(random);
          lines.add(new Line(boundary.toEpochMilli(), followUpShuffle, Events.event(followUpId,
              customer, boundary, followUp, channel(random),
              attributes(random, followUp, followUpId))));
        }
      }
    }
    lines.sort(Comparator.comparingLong(Line::time).thenComparingInt(Line::shuffle));
    return lines.stream().map(Line::json).toList();
  }

  private static String pick(Random random, int index) {
    int roll = random.nextInt(100);
    if (roll < 6) {
      return "profile.updated";
    }
    if (roll < 8 && index > 3) {
      return "customer.erased";
    }
    return TYPES.get(random.nextInt(TYPES.size()));
  }

  /** Other events carry {@code k}, 0 to 2 (from the id), for the cross-step conditions. */
  private static Map<String, Object> attributes(Random random, String type, String id) {
    return type.equals("profile.updated")
        ? Map.of("tier", random.nextBoolean() ? "gold" : "silver")
        : Map.of("k", Math.floorMod(id.hashCode(), 3));
  }

  private static String channel(Random random) {
    return List.of("WEB", "APP", "CALL_CENTER", "EMAIL", "STORE").get(random.nextInt(5));
  }

  private static String id(Random random) {
    return Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
  }
}
