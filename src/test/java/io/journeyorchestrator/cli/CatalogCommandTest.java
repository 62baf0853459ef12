package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.condition.AttributeType;
import io.journeyorchestrator.config.EventCatalog;
import io.journeyorchestrator.config.JobFolder;
import io.journeyorchestrator.config.JobLoader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code catalog} drafts an events.yaml from recorded events that a job folder can load as is. */
class CatalogCommandTest {
  private static final String EVENTS = """
      {"eventId":"e1","customerId":"c1","timestamp":1,"type":"payment.failed","channel":"PAYMENT","attributes":{"amount":12.5,"reason":"card declined","code":51}}
      {"eventId":"e2","customerId":"c1","timestamp":2,"type":"payment.failed","channel":"PAYMENT","attributes":{"amount":100,"code":"51"}}

      {"eventId":"e3","customerId":"c2","timestamp":3,"type":"payment.failed","channel":"APP","attributes":{"amount":30.0,"reason":null,"code":5}}
      {"eventId":"e4","customerId":"c2","timestamp":4,"type":"contract.renewed","channel":"FAX","attributes":{"endsAt":"2027-03-01T00:00:00Z","product id":"p-1"}}
      {"eventId":"e5","customerId":"c2","timestamp":5,"type":"store.visit","channel":"STORE"}
      {"customerId":"c3","timestamp":6,"type":"store.visit"}
      {"eventId":"e7","customerId":"c3","timestamp":7,"type":"profile.updated","channel":"OTHER","attributes":{"tier":"gold","tenureMonths":30}}
      {"eventId":"e8","customerId":"c3","timestamp":8,"type":"profile.updated","channel":"OTHER","attributes":{"tier":null}}
      """;

  private static final String DRAFT = """
      # Drafted by scripts/catalog.sh from events.jsonl: 7 events of 4 types.
      # Edit it before use: correct inferred types, drop what conditions need not see, add
      # descriptions. 'name: type' is an optional attribute; 'required: true' means every event
      # of the type had it. Comments count what was seen; see jobs/README.md.
      channels: [APP, STORE, PAYMENT, OTHER]
      # events per channel: APP 1, STORE 1, PAYMENT 2, OTHER 3
      events:
        contract.renewed:                                 # 1 event
          attributes:
            endsAt: {type: timestamp, required: true}     # in 1 of 1
            "product id": {type: string, required: true}  # in 1 of 1
        payment.failed:                                   # 3 events
          attributes:
            amount: {type: decimal, required: true}       # in 3 of 3
            code: {type: int, required: true}             # in 3 of 3; also 1 string: pick one type
            reason: string                                # in 1 of 3; 1 null
        profile.updated:                                  # 2 events; their attributes are the profile facts below
        store.visit:                                      # 1 event
      profile:                                            # from 2 profile.updated events
        tenureMonths: int                                 # in 1 of 2
        tier: string                                      # in 1 of 2; 1 null
      """;

  @TempDir Path dir;

  private record Run(int exit, String out, String err) {}

  private static Run catalog(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = JourneyCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    String[] all = new String[args.length + 1];
    all[0] = "catalog";
    System.arraycopy(args, 0, all, 1, args.length);
    return new Run(cli.execute(all), out.toString(), err.toString());
  }

  @Test
  void shouldDraftTypesAttributesChannelsAndProfileFactsWithCounts() throws Exception {
    Path events = Files.writeString(dir.resolve("events.jsonl"), EVENTS);
    Path out = dir.resolve("events.yaml");

    Run run = catalog("--events", events.toString(), "--out", out.toString());

    assertThat(run.exit()).as(run.err()).isZero();
    assertThat(Files.readString(out)).isEqualTo(DRAFT);
    assertThat(run.out().lines()).containsExactly(
        "Drafted " + out + " from 7 events: 4 event types, 4 channels, 2 profile facts",
        "Skipped 1 line that is not an event (first: line 7, missing eventId)",
        "Edit it, then check the job folder with scripts/validate.sh; conditions must fit its"
            + " events.yaml");
  }

  @Test
  void shouldDraftACatalogThatAJobFolderLoads() throws Exception {
    Path job = JobFolder.in(dir.resolve("job")).pattern("p", """
        id: big-failed-payment
        steps:
          - name: failed
            when: event.type == "payment.failed" && event.attributes.amount > 50
        """).path();
    Path events = Files.writeString(dir.resolve("events.jsonl"), EVENTS);

    assertThat(catalog("--events", events.toString(), "--out",
        job.resolve("events.yaml").toString()).exit()).isZero();

    EventCatalog loaded = JobLoader.load(job).catalogOptional().orElseThrow();
    assertThat(loaded.events()).containsOnlyKeys("contract.renewed", "payment.failed",
        "profile.updated", "store.visit");
    assertThat(loaded.attributesOf("contract.renewed").orElseThrow().get("product id").type())
        .isEqualTo(AttributeType.STRING);
    assertThat(loaded.profile().get("tier").type()).isEqualTo(AttributeType.STRING);
  }

  @Test
  void shouldRefuseToOverwriteWithoutForce() throws Exception {
    Path events = Files.writeString(dir.resolve("events.jsonl"), EVENTS);
    Path out = Files.writeString(dir.resolve("events.yaml"), "# edited by hand\n");

    Run refused = catalog("--events", events.toString(), "--out", out.toString());

    assertThat(refused.exit()).isEqualTo(2);
    assertThat(refused.err()).isEqualTo(out + ": already exists; edit it, or pass --force to"
        + " draft it again (your edits are lost)\n");
    assertThat(Files.readString(out)).isEqualTo("# edited by hand\n");

    assertThat(catalog("--events", events.toString(), "--out", out.toString(), "--force").exit())
        .isZero();
    assertThat(Files.readString(out)).isEqualTo(DRAFT);
  }

  @Test
  void shouldRefuseAFileWithoutEvents() throws Exception {
    Path events = Files.writeString(dir.resolve("events.jsonl"), "\nnot json\n");

    Run run = catalog("--events", events.toString(), "--out", dir.resolve("e.yaml").toString());

    assertThat(run.exit()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(events + ": no events to draft a catalog from\n");
    assertThat(dir.resolve("e.yaml")).doesNotExist();
  }
}
