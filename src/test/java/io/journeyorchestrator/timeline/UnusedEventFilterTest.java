package io.journeyorchestrator.timeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.matching.CompiledPattern;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which event types reach the customer timeline: those a pattern pins, profiles, erasures. */
class UnusedEventFilterTest {
  @TempDir Path dir;

  private List<CompiledPattern> patterns(String... yaml) throws Exception {
    JobFolder folder = JobFolder.in(dir.resolve("job" + System.nanoTime()));
    for (int i = 0; i < yaml.length; i++) {
      folder.pattern("p" + i, yaml[i]);
    }
    return JobLoader.load(folder.path()).patterns().stream().map(CompiledPattern::compile)
        .toList();
  }

  @Test
  void shouldLetThroughThePinnedTypesProfileUpdatesAndErasures() throws Exception {
    var filter = UnusedEventFilter.forPatterns(patterns(
        "id: a\nsteps:\n  - name: s\n    when: event.type == \"payment.failed\"\n",
        "id: b\nsteps:\n  - name: s\n    when: event.type in [\"call.inbound\", \"chat.started\"]\n"));

    assertThat(filter).isPresent();
    assertThat(filter.get().usedTypes()).containsExactlyInAnyOrder("payment.failed",
        "call.inbound", "chat.started", "profile.updated", "customer.erased");
  }

  @Test
  void shouldKeepEveryEventWhenAPatternCanUseAnyType() throws Exception {
    assertThat(UnusedEventFilter.forPatterns(patterns(
        "id: a\nsteps:\n  - name: s\n    when: event.type == \"payment.failed\"\n",
        "id: web\nsteps:\n  - name: s\n    when: event.channel == \"WEB\"\n"))).isEmpty();
    assertThat(UnusedEventFilter.forPatterns(patterns("""
        id: strict
        steps:
          - name: view
            when: event.type == "page.view"
          - name: cart
            when: event.type == "cart.add"
            contiguity: strict
        within: 1h
        """))).as("any event breaks strict contiguity").isEmpty();
  }
}
