package io.journeyorchestrator.condition;

import dev.cel.bundle.Cel;
import dev.cel.bundle.CelBuilder;
import dev.cel.bundle.CelFactory;
import dev.cel.common.CelFunctionDecl;
import dev.cel.common.CelOptions;
import dev.cel.common.CelOverloadDecl;
import dev.cel.common.types.CelType;
import dev.cel.common.types.ListType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import dev.cel.extensions.CelExtensions;
import dev.cel.parser.CelStandardMacro;
import java.util.ArrayList;
import java.util.List;

/**
 * The one CEL environment every condition is compiled and run in: variables {@code event},
 * {@code profile}, {@code audiences} and {@code steps}, the standard library with its macros, and
 * the {@code strings} extension. Nothing here can reach outside those variables (no I/O, no clock,
 * no custom functions).
 *
 * <p>A {@link Cel} instance is immutable and thread-safe, so one per JVM is shared.
 *
 * <p>{@link #checker} builds a variant for checking only, in which attributes and profile facts
 * have the types an events catalog declares. Its programs are never run.
 */
final class ConditionEnvironment {

  static final String EVENT = "event";
  static final String PROFILE = "profile";
  /**
   * The customer's current audience memberships, a list of audience ids. Only an audience's
   * {@code enterWhen} and an action's {@code eligibleWhen} are given it; the loader refuses it
   * elsewhere, where it would always be empty.
   */
  static final String AUDIENCES = "audiences";
  /**
   * The events earlier steps of the same partial match took, by step name ({@link
   * EventStructType#STEP_DECL}). Only a step's {@code when} is given it, evaluated per partial
   * match; the loader refuses it elsewhere and checks that it names earlier present steps.
   */
  static final String STEPS = "steps";

  private static final Cel CEL =
      builder(EventStructType.TYPE_DECL, EventStructType.STRING_TO_DYN, List.of())
          .addRuntimeLibraries(CelExtensions.strings())
          .build();

  private ConditionEnvironment() {}

  static Cel cel() {
    return CEL;
  }

  /**
   * The environment with {@code event} and {@code profile} of the given types, and the extra
   * struct types they use resolvable. With typed attributes, {@code amount == 100} compares a
   * double with an int: CEL's checker only declares {@code ==} for equal types, while the run-time
   * environment (dyn values, heterogeneous comparisons) evaluates it, so the checker is told the
   * mixed-number overloads too.
   */
  static Cel checker(StructType event, CelType profile, List<StructType> structs) {
    return builder(event, profile, structs)
        .addFunctionDeclarations(mixedNumbers("_==_", "equals"), mixedNumbers("_!=_", "not_equals"),
            CelFunctionDecl.newFunctionDeclaration("@in",
                CelOverloadDecl.newGlobalOverload("cjo_in_int_list_double", SimpleType.BOOL,
                    SimpleType.INT, ListType.create(SimpleType.DOUBLE)),
                CelOverloadDecl.newGlobalOverload("cjo_in_double_list_int", SimpleType.BOOL,
                    SimpleType.DOUBLE, ListType.create(SimpleType.INT))))
        .build();
  }

  private static CelBuilder builder(StructType event, CelType profile, List<StructType> structs) {
    List<StructType> types = new ArrayList<>(structs);
    types.add(0, event);
    types.add(EventStructType.TAKEN_DECL);
    types.add(EventStructType.STEP_DECL);
    return CelFactory.standardCelBuilder()
        // cel-java's builder enables no macros unless asked; analysts need has(), exists(), all().
        .setStandardMacros(CelStandardMacro.STANDARD_MACROS)
        // Attribute values are dyn: `event.attributes.amount > 10` must work when amount is a
        // double, without analysts writing 10.0.
        .setOptions(CelOptions.current().enableHeterogeneousNumericComparisons(true).build())
        .setTypeProvider(EventStructType.provider(types))
        .addVar(EVENT, event)
        .addVar(PROFILE, profile)
        .addVar(AUDIENCES, ListType.create(SimpleType.STRING))
        .addVar(STEPS, EventStructType.STEPS_DECL)
        .addCompilerLibraries(CelExtensions.strings());
  }

  private static CelFunctionDecl mixedNumbers(String function, String overloadPrefix) {
    return CelFunctionDecl.newFunctionDeclaration(function,
        CelOverloadDecl.newGlobalOverload("cjo_" + overloadPrefix + "_int_double", SimpleType.BOOL,
            SimpleType.INT, SimpleType.DOUBLE),
        CelOverloadDecl.newGlobalOverload("cjo_" + overloadPrefix + "_double_int", SimpleType.BOOL,
            SimpleType.DOUBLE, SimpleType.INT));
  }
}
