/**
 * The ground floor every keyed operator stands on: state descriptors and output tags (one place,
 * part of the savepoint format), the customer key selectors, and the event-time buffer. Imports
 * nothing of the operators or the wiring; operator packages import it.
 */
package io.journeyorchestrator.keyed;
