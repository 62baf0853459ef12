package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import java.io.PrintWriter;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code kafka-config} writes kafka.properties, secrets resolved, readable by its owner only. */
class KafkaConfigCommandTest {
  @TempDir Path dir;

  private record Run(int exit, String out) {}

  private static Run run(String... args) {
    StringWriter out = new StringWriter();
    CommandLine cli = JourneyCli.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(out));
    return new Run(cli.execute(args), out.toString());
  }

  private Path job(String properties) {
    return JobFolder.in(dir.resolve("job")).file("job.yaml", JobFolder.JOB_YAML.replace(
        "  bootstrapServers: localhost:9092\n",
        "  bootstrapServers: localhost:9092\n" + properties)).path();
  }

  @Test
  void shouldWriteTheResolvedPropertiesToAnOwnerOnlyFile() throws Exception {
    Path secret = Files.writeString(dir.resolve("password"), "s3cret\n");
    Path job = job("""
          properties:
            security.protocol: SASL_SSL
            sasl.jaas.config: "x password=\\"${file:%s}\\";"
          producerProperties:
            linger.ms: 5
        """.formatted(secret));
    Path output = dir.resolve("admin.properties");
    Files.writeString(output, "left over from before\n");
    Files.setPosixFilePermissions(output, PosixFilePermissions.fromString("rw-r--r--"));

    Run run = run("kafka-config", "--job", job.toString(), "--output", output.toString());

    assertThat(run.exit()).as(run.out()).isZero();
    assertThat(run.out()).isEmpty();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(output)))
        .isEqualTo("rw-------");
    Properties written = new Properties();
    try (Reader reader = Files.newBufferedReader(output)) {
      written.load(reader);
    }
    assertThat(written).containsOnlyKeys("security.protocol", "sasl.jaas.config");
    assertThat(written.getProperty("sasl.jaas.config")).isEqualTo("x password=\"s3cret\";");
  }

  @Test
  void shouldNameTheLineOfASecretThatCannotBeReadAndWriteNothing() {
    Path job = job("  properties:\n    ssl.key.password: ${file:/no/such/secret}\n");
    Path output = dir.resolve("admin.properties");

    Run run = run("kafka-config", "--job", job.toString(), "--output", output.toString());

    assertThat(run.exit()).isEqualTo(JourneyCli.INVALID);
    assertThat(run.out()).isEqualTo(job.resolve("job.yaml") + ":5: Kafka property"
        + " 'ssl.key.password': secret file /no/such/secret does not exist; mount it where the"
        + " job and its Kafka clients run (JobManager and TaskManagers)\n");
    assertThat(output).doesNotExist();
  }
}
