package io.journeyorchestrator.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster every topology test runs on: one TaskManager with two slots (or more). */
public final class MiniClusters {
  private MiniClusters() {}

  public static MiniClusterExtension twoSlots() {
    return slots(2);
  }

  /** For tests that rescale: jobs then set their own parallelism. */
  public static MiniClusterExtension slots(int slots) {
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1)
        .setNumberSlotsPerTaskManager(slots)
        .build());
  }
}
