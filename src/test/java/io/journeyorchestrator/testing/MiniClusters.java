package io.journeyorchestrator.testing;

import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;

/** The MiniCluster every topology test runs on: one TaskManager with two slots. */
public final class MiniClusters {
  private MiniClusters() {}

  public static MiniClusterExtension twoSlots() {
    return new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
        .setNumberTaskManagers(1)
        .setNumberSlotsPerTaskManager(2)
        .build());
  }
}
