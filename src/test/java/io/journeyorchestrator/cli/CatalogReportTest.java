package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.EventCatalogCheck;
import io.journeyorchestrator.config.JobLoader;
import io.journeyorchestrator.io.RecordedEvents;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The replay summary's report of recorded events against the demo job's events.yaml. */
class CatalogReportTest {
  @TempDir Path dir;

  @Test
  void shouldReportMisfitsWithCountsAndTheFirstExample() throws Exception {
    Path events = Files.writeString(dir.resolve("events.jsonl"), """
        {"eventId":"e1","customerId":"c1","timestamp":1,"type":"call.inbound","channel":"CALL_CENTER","attributes":{"reason":"billing"}}
        {"eventId":"e2","customerId":"c1","timestamp":2,"type":"call.inbund","channel":"CALL_CENTER","attributes":{"reason":"billing"}}
        {"eventId":"e3","customerId":"c1","timestamp":3,"type":"payment.failed","channel":"SMS","attributes":{"amount":"12.50","reason":"card_expired"}}
        {"eventId":"e4","customerId":"c1","timestamp":4,"type":"call.inbund","channel":"CALL_CENTER"}
        """);
    EventCatalogCheck check = new EventCatalogCheck(
        JobLoader.load(Path.of("jobs/telecom-demo")).catalogOptional().orElseThrow());
    RecordedEvents.read(events, check::check);
    StringWriter out = new StringWriter();

    ReplaySummary.printCatalogReport(new PrintWriter(out, true), check);

    assertThat(out.toString().lines()).containsExactly(
        "Events against events.yaml",
        "  unknown event types          2 (first: line 2, type \"call.inbund\")",
        "  undeclared attributes        0",
        "  attributes of wrong type     1 (first: line 3, payment.failed attribute \"amount\" is"
            + " \"12.50\", not decimal)",
        "  missing required attributes  0",
        "  undeclared channels          1 (first: line 3, channel SMS)");
  }
}
