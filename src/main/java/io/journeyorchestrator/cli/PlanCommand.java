package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.job.StatePlan;
import io.journeyorchestrator.job.UpgradeCheck;
import java.util.List;
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
 * dropped (restoring needs allowNonRestoredState); 2: invalid folder; 4: the savepoint holds
 * state that nothing in the folder's changes explains (refuse the upgrade).
 */
@Command(name = "plan", mixinStandardHelpOptions = true,
    description = "Print the state plan of a job folder, or what upgrading to it keeps and drops.")
final class PlanCommand implements Callable<Integer> {
  static final int DROPS_STATE = 3;
  static final int UNEXPLAINED_STATE = 4;

  @Parameters(index = "0", paramLabel = "JOB_DIR") Path jobDir;

  @Option(names = "--upgrade-from", description = "The plan saved when the running job was submitted")
  Path before;

  @Option(names = "--savepoint",
      description = "With --upgrade-from: also check that every operator state in this savepoint"
          + " either has a place in the new job or is dropped by the plan")
  Path savepoint;

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
    upgrade.kept().forEach(entry -> out.println("keep    " + entry.display()));
    upgrade.added().forEach(entry -> out.println("add     " + entry.display()));
    upgrade.dropped().forEach(entry -> out.println("DROP    " + entry.display()));
    out.flush();
    boolean dropsOperatorState = false;
    if (savepoint != null) {
      List<UpgradeCheck.Orphan> orphans = UpgradeCheck.orphans(job.get(), upgrade,
          Path.of(savepoint.toString().replaceFirst("^file:", "")));
      for (UpgradeCheck.Orphan orphan : orphans) {
        if (orphan.explained() && orphan.note() != null) {
          out.println("DROP    operator " + orphan.uid() + ": " + orphan.note());
          dropsOperatorState = true;
        }
      }
      out.flush();
      List<UpgradeCheck.Orphan> unexplained =
          orphans.stream().filter(orphan -> !orphan.explained()).toList();
      if (!unexplained.isEmpty()) {
        PrintWriter err = spec.commandLine().getErr();
        for (UpgradeCheck.Orphan orphan : unexplained) {
          err.println("REFUSE  operator " + orphan.uid() + " (" + orphan.name() + ") has state in"
              + " the savepoint but no place in the new job, and no change of the job folder"
              + " explains it; an operator id changed in the code. Upgrading would start that"
              + " state empty.");
        }
        err.flush();
        return UNEXPLAINED_STATE;
      }
    }
    return upgrade.dropsState() || dropsOperatorState ? DROPS_STATE : 0;
  }
}
