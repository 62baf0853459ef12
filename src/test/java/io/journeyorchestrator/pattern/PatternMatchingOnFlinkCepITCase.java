package io.journeyorchestrator.pattern;

/** The pattern-semantics cases of {@link PatternMatchingITCase}, on the Flink CEP engine. */
class PatternMatchingOnFlinkCepITCase extends PatternMatchingITCase {
  @Override
  String engine() {
    return "flink-cep";
  }
}
