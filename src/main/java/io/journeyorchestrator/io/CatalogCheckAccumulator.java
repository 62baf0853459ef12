package io.journeyorchestrator.io;

import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.EventCatalogCheck;
import org.apache.flink.api.common.accumulators.Accumulator;
import org.apache.flink.api.common.accumulators.SimpleAccumulator;

/**
 * Carries the replay parser's {@link EventCatalogCheck} out of the job: the parser checks each
 * event it parsed into {@link #check()}, and the job's result holds the merged check.
 */
public final class CatalogCheckAccumulator implements SimpleAccumulator<EventCatalogCheck> {
  private static final long serialVersionUID = 1L;

  private final EventCatalog catalog;
  private EventCatalogCheck check;

  public CatalogCheckAccumulator(EventCatalog catalog) {
    this.catalog = catalog;
    this.check = new EventCatalogCheck(catalog);
  }

  /** The check events are added to. */
  public EventCatalogCheck check() {
    return check;
  }

  @Override
  public void add(EventCatalogCheck other) {
    check.merge(other);
  }

  @Override
  public EventCatalogCheck getLocalValue() {
    return check;
  }

  @Override
  public void resetLocal() {
    check = new EventCatalogCheck(catalog);
  }

  @Override
  public void merge(Accumulator<EventCatalogCheck, EventCatalogCheck> other) {
    check.merge(other.getLocalValue());
  }

  @Override
  public CatalogCheckAccumulator clone() {
    CatalogCheckAccumulator copy = new CatalogCheckAccumulator(catalog);
    copy.check.merge(check);
    return copy;
  }
}
