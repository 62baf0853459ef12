package io.journeyorchestrator.decisions;

import java.time.Instant;

/**
 * A changed answer for one customer, as the operator emits it. Interim: the Avro
 * {@code NextBestAction} record the topic and replay will carry is built from this.
 *
 * @param sendAfter the earliest instant outside quiet hours; null without quiet hours or when no
 *     channel has an action to send
 */
public record DecidedAction(String customerId, Instant eventTime, Decision decision,
    Instant sendAfter) {}
