package io.journeyorchestrator.naming;

import java.util.Collection;
import java.util.Comparator;
import java.util.Optional;
import org.apache.commons.text.similarity.LevenshteinDistance;

/**
 * The "did you mean" of every message that rejects a name (a YAML key, an event type, an
 * attribute): the valid name closest to a misspelt one, if any is close enough to be a typo.
 * Close enough means within two edits, or a third of the candidate's length for longer names,
 * ignoring case; among several, the fewest edits wins.
 */
public final class ClosestName {
  private static final LevenshteinDistance DISTANCE = LevenshteinDistance.getDefaultInstance();

  private ClosestName() {}

  public static Optional<String> among(String name, Collection<String> candidates) {
    return candidates.stream()
        .filter(candidate -> DISTANCE.apply(name.toLowerCase(), candidate.toLowerCase())
            <= Math.max(2, candidate.length() / 3))
        .min(Comparator.comparingInt(candidate -> DISTANCE.apply(name, candidate)));
  }
}
