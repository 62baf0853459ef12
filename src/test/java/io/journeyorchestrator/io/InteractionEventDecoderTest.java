package io.journeyorchestrator.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.journeyorchestrator.avro.Channel;
import io.journeyorchestrator.avro.InteractionEvent;
import io.journeyorchestrator.config.JobSettings.InputFormat;
import io.journeyorchestrator.io.MalformedEventException.Reason;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Decoding of events-topic values: what passes, and the reason for everything that does not. */
class InteractionEventDecoderTest {
  private static final Instant NOW = Instant.parse("2026-03-02T12:00:00Z");
  private static final InteractionEventDecoder AVRO =
      new InteractionEventDecoder(InputFormat.AVRO, Duration.ofHours(1));
  private static final InteractionEventDecoder JSON =
      new InteractionEventDecoder(InputFormat.JSON, Duration.ofHours(1));

  private static InteractionEvent event(String eventId, Instant time) {
    return InteractionEvent.newBuilder().setEventId(eventId).setCustomerId("alice")
        .setTimestamp(time).setType("call.inbound").setChannel(Channel.CALL_CENTER)
        .setAttributes(Map.of("reason", "billing")).build();
  }

  private static byte[] avro(InteractionEvent event) throws Exception {
    ByteBuffer buffer = event.toByteBuffer();
    byte[] bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    return bytes;
  }

  private static Reason reasonOf(InteractionEventDecoder decoder, byte[] value)
      throws InterruptedException {
    try {
      decoder.decode(value, NOW);
    } catch (MalformedEventException e) {
      return e.reason();
    }
    throw new AssertionError("decoded");
  }

  @Test
  void shouldDecodeSingleObjectEncodedAvro() throws Exception {
    InteractionEvent event = event("e1", NOW.minusSeconds(5));
    assertThat(AVRO.decode(avro(event), NOW)).isEqualTo(event);
  }

  @Test
  void shouldDecodeJsonWhenTheJobSaysSo() throws Exception {
    byte[] json = JsonRecords.toJson(event("e1", NOW)).getBytes(StandardCharsets.UTF_8);
    assertThat(JSON.decode(json, NOW).getEventId()).isEqualTo("e1");
    assertThat(reasonOf(AVRO, json)).isEqualTo(Reason.UNDECODABLE);
  }

  @Test
  void shouldNameTheReasonOfEveryBadValue() throws Exception {
    byte[] valid = avro(event("e1", NOW));
    byte[] unknownFingerprint = valid.clone();
    unknownFingerprint[2] ^= 0x5A;
    byte[] truncated = java.util.Arrays.copyOf(valid, 14);

    assertThat(reasonOf(AVRO, "hello".getBytes())).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonOf(AVRO, unknownFingerprint)).isEqualTo(Reason.UNKNOWN_SCHEMA);
    assertThat(reasonOf(AVRO, truncated)).isEqualTo(Reason.UNDECODABLE);
    assertThat(reasonOf(AVRO, new byte[0])).isEqualTo(Reason.MISSING_FIELD);
    assertThat(reasonOf(AVRO, avro(event("", NOW)))).isEqualTo(Reason.MISSING_FIELD);
    assertThat(reasonOf(AVRO, new byte[InteractionEventDecoder.MAX_VALUE_BYTES + 1]))
        .isEqualTo(Reason.OVERSIZED);
  }

  @Test
  void shouldRejectTimestampsTooFarAheadOfTheWallClock() throws Exception {
    assertThat(AVRO.decode(avro(event("soon", NOW.plus(Duration.ofMinutes(59)))), NOW))
        .isNotNull();
    assertThatThrownBy(() -> AVRO.decode(avro(event("later", NOW.plus(Duration.ofMinutes(61)))),
        NOW))
        .isInstanceOf(MalformedEventException.class)
        .hasMessageContaining("ahead of the wall clock")
        .extracting(e -> ((MalformedEventException) e).reason())
        .isEqualTo(Reason.FUTURE_TIMESTAMP);
  }

  @Test
  void shouldLimitIdsInLengthAndRejectControlCharacters() throws Exception {
    String longest = "c".repeat(EventIdentity.MAX_ID_CHARS);
    InteractionEvent fits = event("e1", NOW);
    fits.setCustomerId(longest);
    assertThat(AVRO.decode(avro(fits), NOW).getCustomerId()).isEqualTo(longest);
    InteractionEvent unicode = event("é-ü-中文-🙂", NOW);
    assertThat(AVRO.decode(avro(unicode), NOW).getEventId()).isEqualTo("é-ü-中文-🙂");

    InteractionEvent huge = event("e1", NOW);
    huge.setCustomerId("x".repeat(600_000));
    assertThatThrownBy(() -> AVRO.decode(avro(huge), NOW))
        .hasMessage("customerId of 600000 characters is longer than the limit of 256 (starts '"
            + "x".repeat(32) + "'…)")
        .extracting(e -> ((MalformedEventException) e).reason()).isEqualTo(Reason.OVERSIZED);
    InteractionEvent longEventId = event("e".repeat(EventIdentity.MAX_ID_CHARS + 1), NOW);
    assertThat(reasonOf(AVRO, avro(longEventId))).isEqualTo(Reason.OVERSIZED);

    InteractionEvent control = event("e1", NOW);
    control.setCustomerId("al\u0000ice\n");
    assertThatThrownBy(() -> AVRO.decode(avro(control), NOW))
        .hasMessage("customerId contains control character U+0000 at position 2: "
            + "'al\\u0000ice\\u000A'");
    byte[] json = JsonRecords.toJson(control).getBytes(StandardCharsets.UTF_8);
    assertThat(reasonOf(JSON, json)).isEqualTo(Reason.BAD_FIELD);
  }
}
