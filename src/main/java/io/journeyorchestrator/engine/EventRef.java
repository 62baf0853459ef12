package io.journeyorchestrator.engine;

/** An event as a match refers to it: its id and its time (epoch milliseconds). */
public record EventRef(String eventId, long timestamp) {}
