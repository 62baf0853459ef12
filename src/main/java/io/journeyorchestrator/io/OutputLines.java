package io.journeyorchestrator.io;

import io.journeyorchestrator.avro.AudienceChange;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.avro.DeadLetter;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.LateEvent;
import io.journeyorchestrator.avro.NextBestAction;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.avro.SuppressionDecision;
import io.journeyorchestrator.internal.avro.OutputLine;
import java.util.List;

/** Renders each kind of output record as a sortable JSON line for replay output files. */
public final class OutputLines {
  public static final String MATCHES = "matches";
  public static final String AUDIENCE_CHANGES = "audience-changes";
  public static final String SUPPRESSIONS = "suppressions";
  public static final String DEAD_LETTERS = "dead-letters";
  public static final String LATE_EVENTS = "late-events";
  public static final String AFTER_END = "after-end";
  /** Every record for the current-state topic; replay writes only the last of each customer. */
  public static final String CUSTOMER_STATES = "customer-states";
  public static final String DECISIONS = "decisions";
  /** What operators built to trace say did not happen, and why (explain.sh only). */
  public static final String NOTES = "notes";
  /** The label of a state that holds nothing (a tombstone on the topic). */
  public static final String TOMBSTONE = "tombstone";
  public static final List<String> KINDS = List.of(MATCHES, AUDIENCE_CHANGES, SUPPRESSIONS,
      DEAD_LETTERS, LATE_EVENTS, AFTER_END, CUSTOMER_STATES, DECISIONS, NOTES);

  private OutputLines() {}

  public static OutputLine of(PatternMatch match) {
    return new OutputLine(MATCHES, match.getEndTime().toEpochMilli(), match.getCustomerId(),
        match.getMatchId(), match.getPatternId(), ReadableRecords.format(match),
        JsonRecords.toJson(match));
  }

  public static OutputLine of(AudienceChange change) {
    return new OutputLine(AUDIENCE_CHANGES, change.getEventTime().toEpochMilli(),
        change.getCustomerId(), change.getChangeId(),
        change.getAudienceId() + " " + kind(change), ReadableRecords.format(change),
        JsonRecords.toJson(change));
  }

  /** ENTERED, EXITED or, for an ENTERED that only moves a member's expiry, EXTENDED. */
  public static String kind(AudienceChange change) {
    return change.getExtended() ? "EXTENDED" : change.getChange().name();
  }

  public static OutputLine of(SuppressionDecision decision) {
    return new OutputLine(SUPPRESSIONS, decision.getEventTime().toEpochMilli(),
        decision.getCustomerId(), decision.getDecisionId(),
        decision.getPolicyId() + " " + decision.getAction(), ReadableRecords.format(decision),
        JsonRecords.toJson(decision));
  }

  public static OutputLine of(CustomerState state) {
    return new OutputLine(CUSTOMER_STATES, state.getAsOf().toEpochMilli(), state.getCustomerId(),
        state.getCustomerId(), state.getMemberships().isEmpty() ? TOMBSTONE : "state",
        ReadableRecords.format(state), JsonRecords.toJson(state));
  }

  /** Labelled by what each channel is to do, e.g. {@code EMAIL=trade-in-offer-email SMS=-}. */
  public static OutputLine of(NextBestAction decision) {
    String label = decision.getHoldout() ? "holdout" : String.join(" ", decision.getChannels()
        .stream().map(c -> c.getChannel() + "=" + (c.getActionId() == null ? "-"
            : c.getActionId())).toList());
    return new OutputLine(DECISIONS, decision.getEventTime().toEpochMilli(),
        decision.getCustomerId(), decision.getDecisionId(), label,
        ReadableRecords.format(decision), JsonRecords.toJson(decision));
  }

  /** The word of a note on something that did not happen, and why. */
  public static final String BLOCKED = "BLOCKED";
  /** The word of a note on a partial match that started, advanced, timed out or was dropped. */
  public static final String PARTIAL = "PARTIAL";

  /**
   * @param word {@link #BLOCKED} or {@link #PARTIAL}
   * @param subject what the note is about (an audience or pattern id), also its label
   */
  public static OutputLine note(String word, String customerId, long time, String subject,
      String text) {
    String json = "{\"customerId\":" + JsonRecords.quote(customerId) + ",\"time\":" + time
        + ",\"what\":" + JsonRecords.quote(word) + ",\"subject\":" + JsonRecords.quote(subject)
        + ",\"note\":" + JsonRecords.quote(text) + "}";
    return new OutputLine(NOTES, time, customerId, subject + " " + text, subject,
        ReadableRecords.note(word, customerId, time, subject, text), json);
  }

  /** Dead letters of a replay sort in file order: by line number. */
  public static OutputLine of(DeadLetter deadLetter, long lineNumber) {
    return new OutputLine(DEAD_LETTERS, lineNumber, "",
        deadLetter.getSource(), "", ReadableRecords.format(deadLetter),
        JsonRecords.toJson(deadLetter));
  }

  public static OutputLine late(LateEvent late) {
    InteractionEvent event = late.getEvent();
    return new OutputLine(LATE_EVENTS, event.getTimestamp().toEpochMilli(), event.getCustomerId(),
        event.getEventId(), event.getType(), ReadableRecords.format(late), JsonRecords.toJson(late));
  }

  public static OutputLine afterEnd(InteractionEvent event) {
    return event(AFTER_END, event);
  }

  private static OutputLine event(String kind, InteractionEvent event) {
    return new OutputLine(kind, event.getTimestamp().toEpochMilli(), event.getCustomerId(),
        event.getEventId(), event.getType(), ReadableRecords.format(event),
        JsonRecords.toJson(event));
  }
}
