package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.job.StatePlan;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code plan}: the state a job folder keeps, by id; with {@code --upgrade-from <plan file>},
 * what an upgrade from that plan keeps, drops and adds. Exit 0: nothing dropped; 3: state is
 * dropped (restoring needs allowNonRestoredState); 2: invalid folder.
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Print the state plan of a job folder, or what upgrading to it keeps and drops.")
final class PlanCommand implements Callable<Integer> {
  static final int DROPS_STATE = 3;

  @Parameters(index = "0", paramLabel = "JOB_DIR") Path jobDir;

  @Option(names = "--upgrade-from", description = "The plan saved when the running job was submitted")
  Path before;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    Optional<JobDefinition> job = ValidateCommand.loadOrReport(jobDir, spec.commandLine().getErr());
    if (job.isEmpty()) {
      return JourneyCli.INVALID;
    }
    StatePlan plan = StatePlan.of(job.get());
    if (before == null) {
      plan.lines().forEach(out::println);
      out.flush();
      return 0;
    }
    StatePlan.Upgrade upgrade = plan.upgradeFrom(StatePlan.parse(Files.readAllLines(before)));
    upgrade.kept().forEach(line -> out.println("keep    " + line));
    upgrade.added().forEach(line -> out.println("add     " + line));
    upgrade.dropped().forEach(line -> out.println("DROP    " + line));
    out.flush();
    return upgrade.dropsState() ? DROPS_STATE : 0;
  }
}
