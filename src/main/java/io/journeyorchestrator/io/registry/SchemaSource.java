package io.journeyorchestrator.io.registry;

/** Where writer schemas come from, by id: the registry over HTTP, or a fixed set in tests. */
interface SchemaSource {
  /** The writer schema's text (Avro JSON). */
  String schema(int id) throws RegistryLookupException, InterruptedException;
}
