package io.journeyorchestrator.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.demo.JourneyGenerator.Settings;
import io.journeyorchestrator.io.JsonEventCodec;
import io.journeyorchestrator.io.JsonRecords;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The journey generator is deterministic, readable by replay, nearly ordered and tells its stories. */
class JourneyGeneratorTest {
  private static final Instant START = JourneyGenerator.DEFAULT_START;
  private static final Duration WEEK = Duration.ofDays(7);
  private static final Instant END = START.plus(WEEK);
  private static final Settings SMALL = Settings.defaults().withCustomers(200);
  private static final Settings WEEK_OF_2000 =
      Settings.defaults().withCustomers(2000).withSpan(WEEK);

  private static List<InteractionEvent> week;
  private static Map<String, List<InteractionEvent>> byCustomer;

  @BeforeAll
  static void generateAWeek() {
    week = JourneyGenerator.stream(WEEK_OF_2000).toList();
    byCustomer = week.stream().collect(Collectors.groupingBy(InteractionEvent::getCustomerId));
  }

  @Test
  void shouldGiveTheSameEventsForTheSameSeed() {
    assertThat(JourneyGenerator.stream(SMALL).limit(5_000).toList())
        .isEqualTo(JourneyGenerator.stream(SMALL).limit(5_000).toList());
  }

  @Test
  void shouldGiveOtherEventsForAnotherSeed() {
    List<InteractionEvent> seed42 = JourneyGenerator.stream(SMALL).limit(1_000).toList();
    List<InteractionEvent> seed43 = JourneyGenerator.stream(SMALL.withSeed(43)).limit(1_000)
        .toList();
    assertThat(seed43).extracting(InteractionEvent::getEventId).allMatch(id -> id.startsWith("e-43-"));
    assertThat(withoutIds(seed43)).isNotEqualTo(withoutIds(seed42));
  }

  @Test
  void shouldChangeOnlyTimestampsWithTheLateFraction() {
    List<InteractionEvent> late = JourneyGenerator.stream(SMALL.withLateFraction(0.2)).limit(2_000)
        .toList();
    List<InteractionEvent> onTime = JourneyGenerator.stream(SMALL.withLateFraction(0))
        .limit(2_000).toList();
    assertThat(late).extracting(InteractionEvent::getType)
        .isEqualTo(onTime.stream().map(InteractionEvent::getType).toList());
    assertThat(onTime).isSortedAccordingTo(Comparator.comparing(InteractionEvent::getTimestamp));
  }

  @Test
  void shouldGiveUniqueSequentialIds() {
    assertThat(week).extracting(InteractionEvent::getEventId).doesNotHaveDuplicates()
        .startsWith("e-42-1", "e-42-2");
    assertThat(week).extracting(InteractionEvent::getCustomerId)
        .allMatch(id -> id.matches("c-\\d{6}"));
  }

  @Test
  void shouldStopAtTheEndOfTheSpan() {
    assertThat(week).isNotEmpty().allMatch(e -> e.getTimestamp().isBefore(END)
        && !e.getTimestamp().isBefore(START));
  }

  @Test
  void shouldRoundTripEveryEventThroughTheReplayCodec() throws Exception {
    for (InteractionEvent event : week) {
      String line = JsonRecords.toJson(event);
      InteractionEvent parsed = JsonEventCodec.parse(line);
      assertThat(parsed).as(line).isEqualTo(event);
      assertThat(JsonRecords.toJson(parsed)).isEqualTo(line);
    }
  }

  @Test
  void shouldUseOnlyPlainAttributeValues() {
    assertThat(week).flatExtracting(e -> new ArrayList<>(e.getAttributes().values()))
        .allMatch(v -> v instanceof String || v instanceof Long || v instanceof Double
            || v instanceof Boolean);
  }

  @Test
  void shouldKeepTimeOrderExceptAFewEventsAtMostTwentySecondsEarly() {
    long newest = Long.MIN_VALUE;
    int early = 0;
    for (InteractionEvent event : week) {
      long ts = event.getTimestamp().toEpochMilli();
      if (ts < newest) {
        early++;
        assertThat(newest - ts).as(event.getEventId()).isLessThanOrEqualTo(20_000);
      }
      newest = Math.max(newest, ts);
    }
    // Default fraction 0.01; a shifted event may land at or after the newest, so at most that.
    assertThat(early).isPositive().isLessThan(week.size() * 2 / 100);
  }

  @Test
  void shouldStartEveryCustomerWithAProfile() {
    assertThat(byCustomer).hasSize(2000);
    byCustomer.values().forEach(events -> {
      InteractionEvent first = events.get(0);
      assertThat(first.getType()).isEqualTo("profile.updated");
      assertThat(first.getChannel()).isEqualTo(Channel.OTHER);
      assertThat(first.getAttributes()).containsKeys("tier", "segment", "preferredDevice",
          "tenureMonths");
      assertThat(events).extracting(InteractionEvent::getTimestamp)
          .isSortedAccordingTo(Comparator.naturalOrder());
    });
    long gold = byCustomer.values().stream()
        .filter(events -> "gold".equals(events.get(0).getAttributes().get("tier"))).count();
    assertThat(gold).isBetween(200L, 400L);
  }

  @Test
  void shouldFollowSomeFailedPaymentsWithTwoOrMoreCallsWithinThreeHours() {
    int stories = 0;
    for (List<InteractionEvent> events : byCustomer.values()) {
      for (InteractionEvent failed : ofType(events, "payment.failed")) {
        Instant limit = failed.getTimestamp().plus(Duration.ofHours(3));
        long calls = ofType(events, "call.inbound").stream()
            .filter(c -> c.getTimestamp().isAfter(failed.getTimestamp())
                && !c.getTimestamp().isAfter(limit))
            .count();
        if (calls >= 2) {
          stories++;
        }
      }
    }
    assertThat(stories).isGreaterThanOrEqualTo(3);
  }

  @Test
  void shouldActivateMostButNotAllDevicesBoughtInTheFirstDays() {
    int activated = 0;
    int never = 0;
    for (List<InteractionEvent> events : byCustomer.values()) {
      for (InteractionEvent order : ofType(events, "order.completed")) {
        if (!"device".equals(order.getAttributes().get("productType"))
            || order.getTimestamp().isAfter(START.plus(Duration.ofDays(3)))) {
          continue;
        }
        boolean activation = ofType(events, "device.activated").stream()
            .anyMatch(a -> a.getTimestamp().isAfter(order.getTimestamp())
                && a.getAttributes().get("productId").equals(order.getAttributes().get("productId")));
        if (activation) {
          activated++;
        } else {
          never++;
        }
      }
    }
    assertThat(never).isPositive();
    assertThat(activated).isGreaterThan(never);
  }

  @Test
  void shouldResolveMostCasesWithTheirCaseId() {
    Set<Object> opened = new HashSet<>();
    Set<Object> resolved = new HashSet<>();
    week.forEach(e -> {
      if (e.getType().equals("support.case.opened")) opened.add(e.getAttributes().get("caseId"));
      if (e.getType().equals("support.case.resolved")) resolved.add(e.getAttributes().get("caseId"));
    });
    assertThat(opened).containsAll(resolved);
    assertThat(resolved).hasSizeGreaterThan(opened.size() / 3).hasSizeLessThan(opened.size());
  }

  @Test
  void shouldSendSomeLoyalCustomersFromPhonePagesToAStore() {
    long tradeIns = week.stream()
        .filter(e -> Boolean.TRUE.equals(e.getAttributes().get("tradeIn"))).count();
    assertThat(tradeIns).isPositive();
  }

  @Test
  void shouldConcentrateActivityOnAFewCustomers() {
    List<Integer> counts = byCustomer.values().stream().map(List::size)
        .sorted(Comparator.reverseOrder()).toList();
    long total = counts.stream().mapToLong(Integer::longValue).sum();
    long top = counts.subList(0, counts.size() / 10).stream().mapToLong(Integer::longValue).sum();
    assertThat((double) top / total).isGreaterThan(0.25);
  }

  @Test
  void shouldCoverEveryEventType() {
    assertThat(week).extracting(InteractionEvent::getType).contains("profile.updated",
        "page.view", "store.visit", "payment.succeeded", "payment.failed", "call.inbound",
        "order.completed", "device.activated", "support.case.opened", "support.case.resolved",
        "email.opened", "survey.completed");
  }

  private static List<InteractionEvent> ofType(List<InteractionEvent> events, String type) {
    return events.stream().filter(e -> e.getType().equals(type)).toList();
  }

  private static List<Map<String, Object>> withoutIds(List<InteractionEvent> events) {
    return events.stream().map(e -> {
      Map<String, Object> map = new HashMap<>(JsonRecords.toMap(e));
      map.remove("eventId");
      return map;
    }).toList();
  }
}
