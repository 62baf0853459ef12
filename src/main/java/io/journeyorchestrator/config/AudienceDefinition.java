package io.journeyorchestrator.config;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A journey-driven audience. Either patterns enter and exit customers ({@code enter}, {@code exit},
 * {@code enterWhen}, with expiry and cooldown), or the audience is composed of other audiences
 * ({@link Composition}, {@code while} in its file) and holds exactly the customers whose
 * memberships satisfy it. {@code memberFor} makes either rolling: a member stays for that long
 * after the latest entering match, or after the composition last held. Optionally the patterns
 * that tell how a stay ended ({@link Outcomes}), for the journey report.
 */
public record AudienceDefinition(
    String id,
    String description,
    List<String> enter,
    String enterWhen,
    List<String> exit,
    Duration expireAfter,
    Duration cooldown,
    Outcomes outcomes,
    Composition composition,
    Duration memberFor,
    String file)
    implements Serializable {

  public AudienceDefinition {
    enter = List.copyOf(enter);
    exit = List.copyOf(exit);
    outcomes = outcomes == null ? Outcomes.NONE : outcomes;
  }

  public AudienceDefinition(String id, String description, List<String> enter, String enterWhen,
      List<String> exit, Duration expireAfter, Duration cooldown, String file) {
    this(id, description, enter, enterWhen, exit, expireAfter, cooldown, Outcomes.NONE, null,
        null, file);
  }

  /** An audience composed of others: customers in all of {@code all}, and none of {@code none}. */
  public static AudienceDefinition composed(String id, String description,
      Composition composition, Duration memberFor, String file) {
    return new AudienceDefinition(id, description, List.of(), null, List.of(), null, null,
        Outcomes.NONE, composition, memberFor, file);
  }

  /**
   * Membership of other audiences that defines this one: a customer is a member while they are in
   * every audience of {@code all}, in at least one of {@code any} (when given) and in none of
   * {@code none}. At least one of {@code all} and {@code any} is given, so a customer the job
   * knows nothing about is never a member.
   */
  public record Composition(List<String> all, List<String> any, List<String> none)
      implements Serializable {
    public Composition {
      all = List.copyOf(all);
      any = List.copyOf(any);
      none = List.copyOf(none);
    }

    /** Every audience it reads, in the order written. */
    public List<String> parts() {
      List<String> parts = new ArrayList<>(all);
      parts.addAll(any);
      parts.addAll(none);
      return parts;
    }
  }

  public boolean isComposed() {
    return composition != null;
  }

  /**
   * How long after it last entered (by a match, or the composition holding) a membership ends:
   * {@code memberFor} or {@code expireAfter}, which mean the same for a pattern-entered audience.
   */
  public Optional<Duration> rollingFor() {
    return Optional.ofNullable(memberFor != null ? memberFor : expireAfter);
  }

  /**
   * How journey owners judge a stay in the audience: a match of a {@code completed} pattern means
   * the journey reached its goal, one of a {@code leaked} pattern that the customer dropped out
   * (e.g. called the contact centre). Only the report reads it; it changes nothing the job does,
   * so it is not part of the audience's state.
   */
  public record Outcomes(List<String> completed, List<String> leaked) implements Serializable {
    public static final Outcomes NONE = new Outcomes(List.of(), List.of());

    public Outcomes {
      completed = List.copyOf(completed);
      leaked = List.copyOf(leaked);
    }

    public boolean isEmpty() {
      return completed.isEmpty() && leaked.isEmpty();
    }
  }

  public Optional<String> enterWhenOptional() {
    return Optional.ofNullable(enterWhen);
  }

  /** When a pattern's entry ends the membership: {@code expireAfter} or {@code memberFor}. */
  public Optional<Duration> expireAfterOptional() {
    return isComposed() ? Optional.empty() : rollingFor();
  }

  public Optional<Duration> cooldownOptional() {
    return Optional.ofNullable(cooldown);
  }
}
