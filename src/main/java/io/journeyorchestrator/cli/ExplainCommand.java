package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobSettings;
import io.journeyorchestrator.io.JsonEventCodec;
import io.journeyorchestrator.io.MalformedEventException;
import io.journeyorchestrator.job.ReplayJob;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code explain}: one customer's journey as a readable timeline. It is a replay of the whole
 * file (so lateness and the end of time are what replay decides) with the audience operator
 * tracing what it did not do, shown for one customer.
 */
@Command(name = "explain", mixinStandardHelpOptions = true,
    description = "Replay a job folder over a recorded events file and print one customer's"
        + " journey: their events, the matches they took part in, audience changes,"
        + " suppressions, next best actions, and what was blocked and why.")
final class ExplainCommand implements Callable<Integer> {
  @Mixin ReplayInputs inputs;

  @Option(names = "--customer", required = true, description = "The customer id to explain")
  String customerId;

  @Option(names = "--audience", description = "Also say why the customer is (not) in this"
      + " audience at the end: entries, exits, what was blocked, and per entering pattern the"
      + " customer's events that satisfy each step")
  String audienceId;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<JobDefinition> job = inputs.load(err);
    if (job.isEmpty()) {
      return JourneyCli.INVALID;
    }
    Optional<AudienceDefinition> audience = Optional.empty();
    if (audienceId != null) {
      audience = job.get().audiences().stream().filter(a -> a.id().equals(audienceId))
          .findFirst();
      if (audience.isEmpty()) {
        err.println("--audience " + audienceId + ": no such audience in " + inputs.jobDir + "; known: "
            + String.join(", ", job.get().audiences().stream().map(AudienceDefinition::id)
                .sorted().toList()));
        err.flush();
        return JourneyCli.INVALID;
      }
    }
    List<JourneyExplanation.CustomerEvent> events = eventsOf(customerId);
    if (events.isEmpty()) {
      err.println(inputs.eventsFile + ": no event of customer " + customerId);
      err.flush();
      return JourneyCli.INVALID;
    }

    ReplayJob.Result result = LocalReplays.run(job.get(), customerId, inputs.parallelism,
        inputs.eventsFile, inputs.untilOptional(),
        Path.of(System.getProperty("java.io.tmpdir")));
    JourneyExplanation explanation =
        new JourneyExplanation(job.get(), customerId, events, result.outputs());
    explanation.timeline().forEach(out::println);
    if (job.get().settings().engine() != JobSettings.Engine.JOURNEY) {
      out.println("(partial matches are traced by the journey engine only; this job runs"
          + " flink-cep, which decides the same matches)");
    }
    audience.ifPresent(a -> {
      out.println();
      explanation.whyNot(a).forEach(out::println);
    });
    out.printf("%nTime stopped at %s.%n", result.endOfTime());
    out.flush();
    return 0;
  }

  /** The customer's events as read, with line numbers; unreadable lines are replay's to report. */
  private List<JourneyExplanation.CustomerEvent> eventsOf(String customer) throws IOException {
    List<JourneyExplanation.CustomerEvent> events = new ArrayList<>();
    try (BufferedReader reader = Files.newBufferedReader(inputs.eventsFile,
        StandardCharsets.UTF_8)) {
      long number = 0;
      for (String line = reader.readLine(); line != null; line = reader.readLine()) {
        number++;
        if (!line.contains(customer)) {
          continue;
        }
        try {
          var event = JsonEventCodec.parse(line);
          if (event.getCustomerId().equals(customer)
              && (inputs.until == null || !event.getTimestamp().isAfter(inputs.until))) {
            events.add(new JourneyExplanation.CustomerEvent(number, event));
          }
        } catch (MalformedEventException e) {
          // A dead letter in the replay; it names no customer it could be shown for.
        }
      }
    }
    return events;
  }
}
