package io.journeyorchestrator.keyed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.state.StateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.runtime.kryo.KryoSerializer;
import org.apache.flink.api.common.typeutils.base.ListSerializer;
import org.apache.flink.api.common.typeutils.base.MapSerializer;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.util.OutputTag;
import org.junit.jupiter.api.Test;

/**
 * Every state type of the job, earlier layouts included, and every side output has its own
 * serializer: none falls back to Kryo, whose bytes change with the class and break savepoints.
 */
class JobStateSerializersTest {
  @Test
  void shouldGiveEveryStateTypeANonKryoSerializer() throws Exception {
    List<StateDescriptor<?, ?>> descriptors = new ArrayList<>();
    for (Method method : JobState.class.getMethods()) {
      if (Modifier.isStatic(method.getModifiers())
          && StateDescriptor.class.isAssignableFrom(method.getReturnType())) {
        Object[] arguments = Arrays.stream(method.getParameterTypes())
            .map(type -> type == long.class ? (Object) 86_400_000L : null).toArray();
        descriptors.add((StateDescriptor<?, ?>) method.invoke(null, arguments));
      }
    }
    assertThat(descriptors).hasSizeGreaterThan(10);
    ExecutionConfig noGenericTypes = new ExecutionConfig(withoutGenericTypes());
    for (StateDescriptor<?, ?> descriptor : descriptors) {
      assertThatCode(() -> descriptor.initializeSerializerUnlessSet(noGenericTypes))
          .as(descriptor.getName()).doesNotThrowAnyException();
      assertNoKryo(descriptor.getName(), descriptor.getSerializer());
    }
  }

  @Test
  void shouldGiveEverySideOutputANonKryoSerializer() throws Exception {
    SerializerConfigImpl noGenericTypes = new SerializerConfigImpl(withoutGenericTypes());
    int tags = 0;
    for (var field : JobState.class.getFields()) {
      if (field.get(null) instanceof OutputTag<?> tag) {
        TypeInformation<?> type = tag.getTypeInfo();
        assertNoKryo(tag.getId(), type.createSerializer(noGenericTypes));
        tags++;
      }
    }
    assertThat(tags).isGreaterThanOrEqualTo(4);
  }

  private static Configuration withoutGenericTypes() {
    Configuration config = new Configuration();
    config.set(PipelineOptions.GENERIC_TYPES, false);
    return config;
  }

  private static void assertNoKryo(String name, TypeSerializer<?> serializer) {
    assertThat(serializer).as(name).isNotInstanceOf(KryoSerializer.class);
    if (serializer instanceof ListSerializer<?> list) {
      assertNoKryo(name + " elements", list.getElementSerializer());
    } else if (serializer instanceof MapSerializer<?, ?> map) {
      assertNoKryo(name + " keys", map.getKeySerializer());
      assertNoKryo(name + " values", map.getValueSerializer());
    }
  }
}
