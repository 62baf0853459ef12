/**
 * Analyst conditions in CEL: compiling and checking them at load time (optionally against the
 * job's events catalog), evaluating them on an event and a profile, and what they imply for
 * routing. Used by config, patterns and audiences alike, so it sits below all of them.
 */
package io.journeyorchestrator.condition;
