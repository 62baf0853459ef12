/**
 * Metrics reporters that the Flink cluster loads (not the job): the Prometheus endpoint bound to
 * an address of the operator's choice, loopback by default. Built into its own small jar
 * ({@code -prometheus-reporter} classifier) that goes beside Flink's Prometheus reporter jar in
 * a plugin folder; nothing in the job imports it.
 */
package io.journeyorchestrator.metrics;
