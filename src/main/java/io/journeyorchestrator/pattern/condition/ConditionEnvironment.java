package io.journeyorchestrator.pattern.condition;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelOptions;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;

/**
 * The one CEL environment every condition is compiled and run in: variables {@code event} and
 * {@code profile}, the standard library with its macros, and the {@code strings} extension. Nothing
 * here can reach outside the two variables (no I/O, no clock, no custom functions).
 *
 * <p>A {@link Cel} instance is immutable and thread-safe, so one per JVM is shared.
 */
final class ConditionEnvironment {

  static final String EVENT = "event";
  static final String PROFILE = "profile";

  private static final Cel CEL =
      CelFactory.standardCelBuilder()
          // cel-java's builder enables no macros unless asked; analysts need has(), exists(), all().
          .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
          // Attribute values are dyn: `event.attributes.amount > 10` must work when amount is a
          // double, without analysts writing 10.0.
          .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
          .setTypeProvider(EventStructType.TYPE_PROVIDER)
          .addVar(EVENT, EventStructType.TYPE_DECL)
          .addVar(PROFILE, EventStructType.STRING_TO_DYN)
          .addCompilerLibraries(CelExtensions.strings())
          .addRuntimeLibraries(CelExtensions.strings())
          .build();

  private ConditionEnvironment() {}

  static Cel cel() {
    return CEL;
  }
}
