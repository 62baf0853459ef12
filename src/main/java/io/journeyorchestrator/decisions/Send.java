package io.journeyorchestrator.decisions;

import java.time.Instant;

/** A message reported as sent, as far as caps care: what, on which channel, in which category. */
public record Send(String actionId, String channel, String category, Instant at) {}
