package io.journeyorchestrator.cli;

import io.journeyorchestrator.config.AudienceDefinition;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.lookup.LookupRequests;
import io.journeyorchestrator.lookup.LookupServer;
import io.journeyorchestrator.lookup.StateTopicView;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.commons.io.FileUtils;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code lookup-server}: answers "who is this customer right now?" from the current-state topic. */
@Command(name = "lookup-server", mixinStandardHelpOptions = true,
    description = "Serve each customer's current state (audiences, suppressions) over HTTP from"
        + " the job's compacted kafka.topics.customerState topic, read_committed:"
        + " GET /customers/{id}, GET /customers/{id}/audiences/{audience}, /health, /ready,"
        + " /metrics. Binds to 127.0.0.1 unless told otherwise; any other address needs a bearer"
        + " token, from --token-file or the environment variable " + LookupServerCommand.TOKEN_ENV
        + ".")
final class LookupServerCommand implements Callable<Integer> {
  static final String TOKEN_ENV = "JOURNEY_LOOKUP_TOKEN";

  @Option(names = "--job", required = true, paramLabel = "JOB_DIR",
      description = "Job folder: its topic, bootstrap servers, Kafka client properties and"
          + " audiences")
  Path jobDir;

  @Option(names = "--bootstrap-servers", description = "Kafka bootstrap servers (default: the job's)")
  String bootstrapServers;

  @Option(names = "--bind", defaultValue = "127.0.0.1",
      description = "Address to listen on (default: ${DEFAULT-VALUE})")
  String bind;

  @Option(names = "--port", defaultValue = "8088",
      description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE})")
  int port;

  @Option(names = "--threads", defaultValue = "8",
      description = "Threads answering requests (default: ${DEFAULT-VALUE})")
  int threads;

  @Option(names = "--token-file", paramLabel = "FILE",
      description = "File holding the bearer token lookups must carry (or set " + TOKEN_ENV + ")")
  Path tokenFile;

  @Option(names = "--application-id",
      description = "Kafka Streams application id (default: journey-lookup-<job name>)")
  String applicationId;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Optional<JobDefinition> loaded = ValidateCommand.loadOrReport(jobDir, err);
    if (loaded.isEmpty() || !KafkaConfigCommand.resolvable(loaded.get(), err)) {
      return JourneyCli.INVALID;
    }
    JobDefinition job = loaded.get();
    Optional<String> token;
    try {
      token = token();
    } catch (IOException e) {
      err.println("lookup-server: cannot read the token file " + tokenFile + ": " + e.getMessage());
      err.flush();
      return JourneyCli.INVALID;
    }
    InetAddress address = InetAddress.getByName(bind);
    if (!address.isLoopbackAddress() && token.isEmpty()) {
      err.println("lookup-server: refusing to listen on " + bind + " without a bearer token:"
          + " put one in a file for --token-file, or in the environment variable " + TOKEN_ENV
          + " (never on the command line), or listen on 127.0.0.1");
      err.flush();
      return JourneyCli.INVALID;
    }
    Properties client = new Properties();
    client.putAll(job.settings().kafkaClient().forConsumer());
    String topic = job.settings().topics().customerState();
    Path stateDir = Files.createTempDirectory("journey-lookup-");
    Set<String> audiences =
        job.audiences().stream().map(AudienceDefinition::id).collect(Collectors.toSet());
    CountDownLatch stopped = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    try (StateTopicView view = new StateTopicView(
        bootstrapServers == null ? job.settings().bootstrapServers() : bootstrapServers, topic,
        applicationId == null ? "journey-lookup-" + job.settings().name() : applicationId,
        client, stateDir)) {
      LookupRequests requests = new LookupRequests(view::get, view, Optional.of(audiences),
          token, Clock.systemUTC());
      try (LookupServer server =
          new LookupServer(address, port, threads, requests, view, view::customers)) {
        // On SIGTERM: stop serving, close the store, then let the JVM go.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
          stopped.countDown();
          try {
            closed.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }));
        // Kafka Streams restores a global store inside start(): count from before it.
        long started = System.nanoTime();
        view.start();
        server.start();
        out.printf("lookup-server: serving %s on http://%s:%d (%s)%n", topic,
            server.address().getAddress().getHostAddress(), server.address().getPort(),
            token.isPresent() ? "bearer token required" : "no token: loopback only");
        out.flush();
        boolean reportedReady = false;
        while (!stopped.await(100, TimeUnit.MILLISECONDS)) {
          if (!reportedReady && view.ready()) {
            reportedReady = true;
            out.printf("lookup-server: ready, %,d customers restored in %.1f s%n",
                view.customers(), (System.nanoTime() - started) / 1e9);
            out.flush();
          }
          if (!view.alive()) {
            err.println("lookup-server: the store stopped (" + view.state() + "); see the log");
            err.flush();
            return 1;
          }
        }
      }
    } finally {
      FileUtils.deleteDirectory(stateDir.toFile());
      closed.countDown();
    }
    return 0;
  }

  private Optional<String> token() throws IOException {
    String text = tokenFile != null
        ? Files.readString(tokenFile, StandardCharsets.UTF_8)
        : System.getenv(TOKEN_ENV);
    if (text == null || text.isBlank()) {
      return Optional.empty();
    }
    return Optional.of(text.strip());
  }
}
