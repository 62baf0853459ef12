package io.journeyorchestrator.io;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.stream.Stream;
import org.apache.avro.Schema;

/**
 * Every released version of a schema, as kept under {@code schemas/history/<Record>/} and packed
 * into the job jar. Decoders register them all, so data written with any released version reads.
 */
public final class SchemaHistory {
  private SchemaHistory() {}

  public static List<Schema> versions(String recordName) {
    String folder = "schemas/history/" + recordName;
    List<Schema> schemas = new ArrayList<>();
    try {
      Enumeration<URL> roots = SchemaHistory.class.getClassLoader().getResources(folder);
      for (URL root : Collections.list(roots)) {
        for (Path file : avscFiles(root.toURI())) {
          try (InputStream in = Files.newInputStream(file)) {
            schemas.add(new Schema.Parser().parse(in));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + folder, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    return schemas;
  }

  private static List<Path> avscFiles(URI folder) throws IOException {
    Path path;
    if ("jar".equals(folder.getScheme())) {
      FileSystem jar;
      try {
        jar = FileSystems.newFileSystem(folder, Collections.emptyMap());
      } catch (FileSystemAlreadyExistsException e) {
        jar = FileSystems.getFileSystem(folder);
      }
      path = jar.provider().getPath(folder);
    } else {
      path = Path.of(folder);
    }
    try (Stream<Path> files = Files.list(path)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".avsc")).sorted().toList();
    }
  }
}
