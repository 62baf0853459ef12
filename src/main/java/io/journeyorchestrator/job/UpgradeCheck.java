package io.journeyorchestrator.job;

import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.engine.JourneyEngineRuntime;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.flink.runtime.OperatorIDPair;
import org.apache.flink.runtime.checkpoint.Checkpoints;
import org.apache.flink.runtime.checkpoint.OperatorState;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.runtime.checkpoint.metadata.CheckpointMetadata;
import org.apache.flink.runtime.jobgraph.JobVertex;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;

/**
 * Before an upgrade: which operators of a savepoint hold state that the new job folder has no
 * operator for. Each one must be explained by the upgrade plan (a pattern removed or changed);
 * anything else, such as a code change that renamed an operator, must stop the upgrade instead of
 * silently starting that state empty.
 */
public final class UpgradeCheck {
  private UpgradeCheck() {}

  /**
   * A savepoint operator with state and no place in the new job.
   *
   * @param explained whether the upgrade explains it (the plan drops it, or it is an operator of
   *     earlier builds whose state this build drops by design)
   * @param note for an operator of earlier builds: what is dropped, for the data engineer; null
   *     when the plan's own entries say it
   */
  public record Orphan(String uid, String name, boolean explained, String note) {}

  private static final String SEPARATE_ENGINE_NOTE = "the journey engine's own operator of"
      + " earlier builds (the engine now runs in the customer-timeline operator); its partial"
      + " matches are dropped once, every pattern starts empty";

  public static List<Orphan> orphans(JobDefinition newJob, StatePlan.Upgrade plan, Path savepoint)
      throws IOException {
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    new KafkaJourneyJob(newJob).attachTo(env);
    StreamGraph graph = env.getStreamGraph();
    Set<String> uids = new HashSet<>();
    for (StreamNode node : graph.getStreamNodes()) {
      if (node.getTransformationUID() != null) {
        uids.add(node.getTransformationUID());
      }
    }
    Set<String> operatorIds = new HashSet<>();
    for (JobVertex vertex : graph.getJobGraph().getVertices()) {
      for (OperatorIDPair ids : vertex.getOperatorIDs()) {
        operatorIds.add(ids.getGeneratedOperatorID().toHexString());
        ids.getUserDefinedOperatorID().ifPresent(id -> operatorIds.add(id.toHexString()));
      }
    }
    List<Orphan> orphans = new ArrayList<>();
    for (OperatorState operator : load(savepoint).getOperatorStates()) {
      boolean hasState = operator.getStates().stream().anyMatch(OperatorSubtaskState::hasState)
          || operator.getCoordinatorState() != null;
      String uid = operator.getOperatorUid().orElse("");
      boolean known = uids.contains(uid)
          || operatorIds.contains(operator.getOperatorID().toHexString());
      if (hasState && !known) {
        String patternId = patternIdOf(uid);
        boolean separateEngine = uid.equals(JourneyEngineRuntime.SEPARATE_OPERATOR_UID);
        boolean decisions = uid.equals(JourneyTopology.DECISIONS_UID)
            || uid.equals(KafkaJourneyJob.DECISIONS_SINK_UID);
        boolean explained = patternId != null ? plan.dropsPattern(patternId)
            : decisions ? plan.dropsDecisions() : separateEngine;
        orphans.add(new Orphan(uid.isEmpty() ? operator.getOperatorID().toHexString() : uid,
            operator.getOperatorName().orElse("?"), explained,
            separateEngine ? SEPARATE_ENGINE_NOTE : null));
      }
    }
    return orphans;
  }

  /** The pattern of a pattern operator (uid {@code pattern/<id>/<fingerprint>}), else null. */
  private static String patternIdOf(String uid) {
    String[] parts = uid.split("/");
    return parts.length == 3 && parts[0].equals("pattern") ? parts[1] : null;
  }

  private static CheckpointMetadata load(Path savepoint) throws IOException {
    Path metadata = Files.isDirectory(savepoint) ? savepoint.resolve("_metadata") : savepoint;
    try (InputStream in = Files.newInputStream(metadata);
        DataInputStream data = new DataInputStream(in)) {
      return Checkpoints.loadCheckpointMetadata(data, UpgradeCheck.class.getClassLoader(),
          savepoint.toString());
    }
  }
}
