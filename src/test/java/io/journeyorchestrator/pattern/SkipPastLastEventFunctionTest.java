package io.journeyorchestrator.pattern;

import static io.journeyorchestrator.testing.Events.minutes;
import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.avro.PatternMatch;
import io.journeyorchestrator.internal.avro.DetectedMatch;
import io.journeyorchestrator.internal.avro.JourneyEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** skip-past-last-event after CEP: matches kept in completion order never share events. */
class SkipPastLastEventFunctionTest {

  private static DetectedMatch match(long startMinute, long lastMinute) {
    InteractionEvent last = InteractionEvent.newBuilder().setEventId("e" + lastMinute)
        .setCustomerId("alice").setTimestamp(minutes(lastMinute)).setType("t")
        .setChannel(Channel.WEB).setAttributes(Map.of()).build();
    PatternMatch match = PatternMatch.newBuilder().setMatchId(startMinute + "-" + lastMinute)
        .setCustomerId("alice").setPatternId("p").setEventIds(List.of("e" + startMinute,
            "e" + lastMinute)).setStartTime(minutes(startMinute)).setEndTime(minutes(lastMinute))
        .build();
    return new DetectedMatch(match, new JourneyEvent(last, Map.of()));
  }

  @Test
  void shouldKeepOnlyMatchesStartingAfterTheLastKeptMatchAndForgetItAfterWithin()
      throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, DetectedMatch, DetectedMatch> harness =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(
            new SkipPastLastEventFunction(Duration.ofMinutes(60)),
            m -> m.getMatch().getCustomerId(), Types.STRING);
    for (DetectedMatch match : List.of(match(1, 2), match(1, 3), match(2, 3), match(4, 5),
        match(5, 6), match(6, 7))) {
      harness.processElement(new StreamRecord<>(match, match.getMatch().getEndTime()
          .toEpochMilli()));
    }

    assertThat(harness.extractOutputValues()).extracting(m -> m.getMatch().getMatchId())
        .containsExactly("1-2", "4-5", "6-7");
    harness.processWatermark(minutes(7 + 60).toEpochMilli());
    assertThat(harness.numKeyedStateEntries()).isZero();
    harness.close();
  }
}
