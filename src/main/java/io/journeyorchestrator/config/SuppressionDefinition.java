package io.journeyorchestrator.config;

import java.io.Serializable;
import java.util.List;

/** A suppression policy: while a customer is in any of the audiences, hold back these channels. */
public record SuppressionDefinition(
    String id, List<String> whileAudiences, List<String> channels, List<String> categories,
    String file)
    implements Serializable {

  public SuppressionDefinition {
    whileAudiences = List.copyOf(whileAudiences);
    channels = List.copyOf(channels);
    categories = List.copyOf(categories);
  }
}
