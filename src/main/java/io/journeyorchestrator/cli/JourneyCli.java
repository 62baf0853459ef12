package io.journeyorchestrator.cli;

import io.journeyorchestrator.demo.GenerateEventsCommand;
import io.journeyorchestrator.demo.ProduceEventsCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The project's command line: what the scripts under scripts/ call. */
@Command(
    name = "journey",
    mixinStandardHelpOptions = true,
    description = "Customer journey orchestration on Apache Flink.",
    subcommands = {ValidateCommand.class, ReplayCommand.class, ExplainCommand.class, PlanCommand.class,
        TailTopicCommand.class, ProduceEventsCommand.class, GenerateEventsCommand.class,
        CatalogCommand.class, KafkaConfigCommand.class, LatestCheckpointCommand.class,
        WatchdogCommand.class, LookupServerCommand.class})
public final class JourneyCli {
  /** Exit code for an invalid job folder or bad arguments. */
  public static final int INVALID = 2;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    // picocli's exit code for bad arguments is 2 as well (ExitCode.USAGE).
    return new CommandLine(new JourneyCli()).setCaseInsensitiveEnumValuesAllowed(true);
  }
}
