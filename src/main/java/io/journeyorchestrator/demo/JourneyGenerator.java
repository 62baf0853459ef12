package io.journeyorchestrator.demo;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A deterministic source of telecom customer journeys: the same {@link Settings} always yield the
 * same events, with ids {@code e-<seed>-<sequence>}, whatever is done with them (a file, a Kafka
 * producer, a test). It reads no clock; pacing in wall-clock time is the caller's business.
 *
 * <p>Invariants: events come out in event-time order, except that a fraction
 * ({@link Settings#lateFraction()}) is stamped up to {@link #MAX_LATENESS} earlier, the way a late
 * producer would send them; a shifted event never goes before its customer's previous event, so
 * each customer's story stays in order and {@code profile.updated} is each customer's first
 * event. Without an end the iterator never ends; bound it by {@link Settings#span()} or by
 * taking a number of events from {@link #stream()}.
 *
 * <p>It works as a discrete-event simulation: a queue holds every customer's next session, next
 * bill and the already decided events of running stories (calls after a failed payment, an
 * activation days after a purchase), and the earliest entry is handled next. What each entry
 * does is decided by {@link Storylines}.
 */
public final class JourneyGenerator implements Iterator<InteractionEvent> {
  /** Late events stay well within the job's 30 s allowed out-of-orderness. */
  public static final Duration MAX_LATENESS = Duration.ofSeconds(20);
  public static final Instant DEFAULT_START = Instant.parse("2026-03-02T00:00:00Z");
  /** Profiles of all customers arrive within this time after the start. */
  private static final long PROFILE_SPREAD = Duration.ofMinutes(10).toMillis();

  /**
   * What to generate.
   *
   * @param span event time to cover from {@code start}; null for no end
   */
  public record Settings(long seed, int customers, Instant start, double lateFraction,
      Duration span) {
    public Settings {
      Objects.requireNonNull(start, "start");
      if (customers < 1) {
        throw new IllegalArgumentException("customers must be at least 1, got " + customers);
      }
      if (!(lateFraction >= 0 && lateFraction <= 1)) {
        throw new IllegalArgumentException("late fraction must be in [0, 1], got " + lateFraction);
      }
      if (span != null && span.isNegative()) {
        throw new IllegalArgumentException("span must not be negative, got " + span);
      }
    }

    public static Settings defaults() {
      return new Settings(42, 1000, DEFAULT_START, 0.01, null);
    }

    public Settings withSeed(long value) {
      return new Settings(value, customers, start, lateFraction, span);
    }

    public Settings withCustomers(int value) {
      return new Settings(seed, value, start, lateFraction, span);
    }

    public Settings withStart(Instant value) {
      return new Settings(seed, customers, value, lateFraction, span);
    }

    public Settings withLateFraction(double value) {
      return new Settings(seed, customers, start, value, span);
    }

    public Settings withSpan(Duration value) {
      return new Settings(seed, customers, start, lateFraction, value);
    }
  }

  private enum Kind { EVENT, SESSION, BILL }

  private record Scheduled(long time, long order, Kind kind, Customer customer, String type,
      Channel channel, Map<String, Object> attributes) {}

  private static final Comparator<Scheduled> BY_TIME =
      Comparator.comparingLong(Scheduled::time).thenComparingLong(Scheduled::order);

  private final Settings settings;
  private final long end;
  /** Lateness draws come from their own stream, so the late fraction changes no story. */
  private final SplittableRandom lateness;
  private final Storylines stories;
  private final PriorityQueue<Scheduled> queue = new PriorityQueue<>(BY_TIME);
  private long scheduled;
  private long emitted;
  private long shifted;

  public JourneyGenerator(Settings settings) {
    this.settings = settings;
    long startMs = settings.start().toEpochMilli();
    this.end = settings.span() == null ? Long.MAX_VALUE
        : Math.addExact(startMs, settings.span().toMillis());
    SplittableRandom random = new SplittableRandom(settings.seed());
    this.lateness = random.split();
    this.stories = new Storylines(random, this::schedule);
    for (int i = 1; i <= settings.customers(); i++) {
      Customer customer = stories.newCustomer(String.format("c-%06d", i));
      customer.lastTimestamp = startMs;
      long profileTime = startMs + random.nextLong(PROFILE_SPREAD);
      stories.profile(customer, profileTime);
      queue.add(entry(stories.nextSession(customer, profileTime), Kind.SESSION, customer));
      queue.add(entry(stories.firstBill(profileTime), Kind.BILL, customer));
    }
  }

  /** The events of these settings, in the order this iterator gives them; infinite without a span. */
  public static Stream<InteractionEvent> stream(Settings settings) {
    return new JourneyGenerator(settings).stream();
  }

  public Stream<InteractionEvent> stream() {
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(this,
        Spliterator.ORDERED | Spliterator.NONNULL), false);
  }

  @Override
  public boolean hasNext() {
    return nextEvent() != null;
  }

  @Override
  public InteractionEvent next() {
    Scheduled next = nextEvent();
    if (next == null) {
      throw new NoSuchElementException("no events after " + Instant.ofEpochMilli(end));
    }
    queue.poll();
    Customer customer = next.customer();
    long timestamp = next.time();
    if (settings.lateFraction() > 0 && lateness.nextDouble() < settings.lateFraction()) {
      timestamp = Math.max(customer.lastTimestamp,
          timestamp - 1 - lateness.nextLong(MAX_LATENESS.toMillis()));
      shifted++;
    }
    customer.lastTimestamp = timestamp;
    emitted++;
    return new InteractionEvent("e-" + settings.seed() + "-" + emitted, customer.id,
        Instant.ofEpochMilli(timestamp), next.type(), next.channel(), next.attributes());
  }

  public Settings settings() {
    return settings;
  }

  /** Events returned so far. */
  public long emitted() {
    return emitted;
  }

  /**
   * Events returned so far that were drawn to be stamped early (the shift of each is cut short
   * where it would pass the customer's previous event).
   */
  public long shifted() {
    return shifted;
  }

  /** The earliest pending event before the end, running sessions and bills until one exists. */
  private Scheduled nextEvent() {
    while (true) {
      Scheduled head = queue.peek();
      if (head.time() >= end) {
        return null;
      }
      if (head.kind() == Kind.EVENT) {
        return head;
      }
      queue.poll();
      Customer customer = head.customer();
      if (head.kind() == Kind.SESSION) {
        stories.session(customer, head.time());
        queue.add(entry(stories.nextSession(customer, head.time()), Kind.SESSION, customer));
      } else {
        stories.bill(customer, head.time());
        queue.add(entry(head.time() + Storylines.BILLING_PERIOD, Kind.BILL, customer));
      }
    }
  }

  private void schedule(long time, Customer customer, String type, Channel channel,
      Map<String, Object> attributes) {
    queue.add(new Scheduled(time, scheduled++, Kind.EVENT, customer, type, channel, attributes));
  }

  private Scheduled entry(long time, Kind kind, Customer customer) {
    return new Scheduled(time, scheduled++, kind, customer, null, null, null);
  }
}
