package io.journeyorchestrator.benchmark;

import io.journeyorchestrator.avro.ActiveSuppression;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.io.KafkaOutputSerializer;
import io.journeyorchestrator.testing.EmbeddedKafka;
import io.journeyorchestrator.config.JobDefinition;
import io.journeyorchestrator.config.JobLoader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.eclipse.jetty.client.BufferingResponseListener;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The lookup service under load, on loopback: an in-JVM broker holding a compacted state topic
 * of N customers, the service as it ships ({@code scripts/lookup-server.sh}, its own JVM)
 * restoring it (timed), then a paced (open-loop) load of GETs at a
 * fixed rate, latency counted from each request's scheduled time so a stall is not hidden, then
 * as many lookups as a few client threads can make, and freshness: how long after a
 * transaction's commit the service answers with what it wrote.
 */
@Command(name = "benchmark-lookup", mixinStandardHelpOptions = true,
    description = "Lookups per second, latency p50/p99 and freshness of the lookup service.")
public final class LookupBenchmark implements java.util.concurrent.Callable<Integer> {
  @Option(names = "--job", description = "Job folder the service runs for (default ${DEFAULT-VALUE})")
  Path jobDir = Path.of("jobs/telecom-demo");

  @Option(names = "--customers", description = "Customers in the store (default ${DEFAULT-VALUE})")
  int customers = 1_000_000;

  @Option(names = "--rate", description = "Paced lookups per second (default ${DEFAULT-VALUE})")
  int rate = 5_000;

  @Option(names = "--requests", description = "Paced lookups in all (default ${DEFAULT-VALUE})")
  int requests = 100_000;

  @Option(names = "--max-requests",
      description = "Lookups of the as-fast-as-possible run (default ${DEFAULT-VALUE})")
  int maxRequests = 100_000;

  @Option(names = "--clients", description = "Client threads of that run (default ${DEFAULT-VALUE})")
  int clients = 4;

  @Option(names = "--connections",
      description = "Connections of the paced lookups (default ${DEFAULT-VALUE})")
  int connections = 8;

  @Option(names = "--service-threads",
      description = "The service's --threads (default ${DEFAULT-VALUE}, its own default)")
  int serviceThreads = 8;

  @Option(names = "--freshness-samples", description = "Default ${DEFAULT-VALUE}")
  int freshnessSamples = 200;

  public static void main(String[] args) {
    // HttpURLConnection (the warm-up, the fastest run and freshness) keeps at most 5 idle
    // connections per host by default: more clients would then open a new connection for most
    // lookups and measure TCP set-up, not the service. Read once, before the first connection.
    System.setProperty("http.maxConnections", "128");
    System.exit(new CommandLine(new LookupBenchmark()).execute(args));
  }

  @Override
  public Integer call() throws Exception {
    JobDefinition job = JobLoader.load(jobDir);
    String topic = job.settings().topics().customerState();
    try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(topic, 4, (short) 1)
            .configs(Map.of("cleanup.policy", "compact")))).all().get();
      }
      long writeStart = System.nanoTime();
      long bytes = write(kafka, topic);
      System.out.printf("Wrote %,d customer states (%,d bytes of values) in %.1f s%n", customers,
          bytes, seconds(writeStart));
      // The broker's log is still in dirty pages that the kernel writes out about 30 s later,
      // which took the two cores from the timed runs for seconds; write them out now.
      new ProcessBuilder("sync").inheritIO().start().waitFor();

      try (ServiceProcess lookup = ServiceProcess.start(jobDir, kafka.bootstrapServers(),
          serviceThreads, Duration.ofMinutes(10))) {
        System.out.printf("Restored %,d customers in %.1f s (the service's own figure: %s)%n",
            lookup.customers(), lookup.restoreSeconds(), lookup.readyLine());
        String base = lookup.baseUrl();

        // The writer's garbage (a million records) would otherwise be collected in this JVM,
        // the load generator's, during the first seconds of the paced run, and counted there.
        System.gc();
        warmUp(base);
        long[] paced = paced(base);
        System.out.printf("Paced: %,d lookups at %,d/s: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms,"
            + " max %.2f ms (from each request's scheduled time)%n", paced.length, rate,
            percentile(paced, 0.50), percentile(paced, 0.99), percentile(paced, 0.999),
            percentile(paced, 1.0));
        System.out.println("  " + slowest(paced));
        System.out.println("  " + perSecond(paced));
        System.out.println("  the service's own timing (request read to response written): "
            + lookup.serverTiming());
        double max = asFastAsPossible(base);
        System.out.printf("As fast as possible: %,.0f lookups/s with %d client threads%n", max,
            clients);
        long[] fresh = freshness(kafka, topic, base);
        System.out.printf("Freshness: %d commits, visible in the service p50 %.1f ms, p99 %.1f ms"
            + " after commitTransaction returned%n", fresh.length, percentile(fresh, 0.5),
            percentile(fresh, 0.99));
        // Last, so that the full collection it takes does not precede the timed runs.
        long heap = lookup.heapUsedAfterGc();
        System.out.printf("Service memory: heap used after a full GC %,d MB (%,d bytes per"
            + " customer), resident %,d MB%n", heap >> 20, heap / Math.max(1, customers),
            lookup.residentBytes() >> 20);
        System.out.printf("{\"customers\": %d, \"restoreSeconds\": %.1f, \"pacedRate\": %d,"
            + " \"latencyMs\": {\"p50\": %.3f, \"p99\": %.3f}, \"maxLookupsPerSecond\": %.0f,"
            + " \"freshnessMs\": {\"p50\": %.1f, \"p99\": %.1f}}%n", customers,
            lookup.restoreSeconds(), rate, percentile(paced, 0.5), percentile(paced, 0.99), max,
            percentile(fresh, 0.5), percentile(fresh, 0.99));
      }
    }
    return 0;
  }

  /**
   * The service as it ships: {@code scripts/lookup-server.sh} in a JVM of its own (so neither the
   * broker's nor the load generator's garbage collection pauses it), on a free loopback port.
   */
  private static final class ServiceProcess implements AutoCloseable {
    private static final Pattern SERVING = Pattern.compile("serving .* on (http://\\S+)");
    private static final Pattern READY = Pattern.compile("ready, .* restored in ([0-9.]+) s");
    private final Process process;
    private final String baseUrl;
    private final String readyLine;
    private final double restoreSeconds;

    private ServiceProcess(Process process, String baseUrl, String readyLine,
        double restoreSeconds) {
      this.process = process;
      this.baseUrl = baseUrl;
      this.readyLine = readyLine;
      this.restoreSeconds = restoreSeconds;
    }

    static ServiceProcess start(Path jobDir, String bootstrapServers, int threads,
        Duration timeout)
        throws Exception {
      long started = System.nanoTime();
      Process process = new ProcessBuilder("bash", "scripts/lookup-server.sh", "--job",
          jobDir.toString(), "--bootstrap-servers", bootstrapServers, "--port", "0",
          "--threads", Integer.toString(threads),
          "--application-id", "lookup-benchmark-" + ProcessHandle.current().pid())
          .redirectError(ProcessBuilder.Redirect.INHERIT).start();
      process.getOutputStream().close();
      BufferedReader out = process.inputReader(StandardCharsets.UTF_8);
      String baseUrl = null;
      long deadline = System.nanoTime() + timeout.toNanos();
      try {
        String line;
        while ((line = out.readLine()) != null && System.nanoTime() < deadline) {
          Matcher serving = SERVING.matcher(line);
          if (serving.find()) {
            baseUrl = serving.group(1);
          }
          Matcher ready = READY.matcher(line);
          if (ready.find() && baseUrl != null) {
            double fromStart = seconds(started);
            Thread drain = new Thread(() -> out.lines().forEach(System.out::println));
            drain.setDaemon(true);
            drain.start();
            return new ServiceProcess(process, baseUrl, line.trim(), fromStart);
          }
        }
      } catch (RuntimeException | IOException e) {
        process.destroyForcibly();
        throw e;
      }
      process.destroyForcibly();
      throw new IllegalStateException("the lookup service did not get ready");
    }

    String baseUrl() {
      return baseUrl;
    }

    /** From starting the script to the service saying it is ready: JVM start included. */
    double restoreSeconds() {
      return restoreSeconds;
    }

    String readyLine() {
      return readyLine;
    }

    long customers() {
      String metrics = get(baseUrl + "/metrics", true).body();
      Matcher gauge = Pattern.compile("(?m)^journey_lookup_customers ([0-9.E]+)$").matcher(metrics);
      return gauge.find() ? (long) Double.parseDouble(gauge.group(1)) : -1;
    }

    /** Cumulative counts of the service's latency histogram for customer lookups. */
    String serverTiming() {
      String metrics = get(baseUrl + "/metrics", true).body();
      Matcher bucket = Pattern.compile(
          "(?m)^journey_lookup_request_seconds_bucket\\{route=\"customer\",le=\"([^\"]+)\",?\\} ([0-9.E]+)$")
          .matcher(metrics);
      StringBuilder text = new StringBuilder();
      while (bucket.find()) {
        text.append(text.length() == 0 ? "" : ", ").append("<=").append(bucket.group(1))
            .append(" s: ").append((long) Double.parseDouble(bucket.group(2)));
      }
      return text.toString();
    }

    long heapUsedAfterGc() throws Exception {
      jcmd("GC.run");
      Matcher used = Pattern.compile("used (\\d+)K").matcher(jcmd("GC.heap_info"));
      return used.find() ? Long.parseLong(used.group(1)) << 10 : -1;
    }

    long residentBytes() throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/" + process.pid() + "/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("\\D", "")) << 10;
        }
      }
      return -1;
    }

    private String jcmd(String command) throws Exception {
      Process jcmd = new ProcessBuilder("jcmd", Long.toString(process.pid()), command)
          .redirectErrorStream(true).start();
      String text = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      jcmd.waitFor();
      return text;
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private static long usedHeap() {
    Runtime runtime = Runtime.getRuntime();
    return runtime.totalMemory() - runtime.freeMemory();
  }

  static String customerId(int i) {
    return String.format("c-%07d", i);
  }

  /** A state like the demo's: one to three memberships, a suppression for some. */
  static CustomerState state(int i, Instant asOf, String changeId) {
    SplittableRandom random = new SplittableRandom(i);
    List<CurrentMembership> memberships = new ArrayList<>();
    List<String> audiences = List.of("activation-help", "open-support-case", "payment-trouble",
        "trade-in-offer");
    int count = 1 + random.nextInt(3);
    for (int a = 0; a < count; a++) {
      memberships.add(new CurrentMembership(audiences.get((i + a) % 4), asOf.minusSeconds(3600),
          asOf.plus(Duration.ofDays(30))));
    }
    memberships.sort(java.util.Comparator.comparing(CurrentMembership::getAudienceId));
    List<ActiveSuppression> suppressions = memberships.stream()
        .filter(m -> m.getAudienceId().equals("open-support-case"))
        .map(m -> new ActiveSuppression("no-marketing-during-support",
            List.of("EMAIL", "SMS", "PUSH"), List.of("marketing", "upsell"),
            List.of("open-support-case"), m.getExpiresAt()))
        .toList();
    return new CustomerState(customerId(i), asOf, memberships, suppressions, List.of(changeId), null);
  }

  private long write(EmbeddedKafka kafka, String topic) throws Exception {
    KafkaOutputSerializer<CustomerState> serializer = KafkaOutputSerializer.compacted(topic,
        CustomerState.class, "customerId", s -> s.getMemberships().isEmpty(), "asOf");
    Properties props = producerProps(kafka, "benchmark-writer");
    long bytes = 0;
    Instant asOf = Instant.now();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      for (int start = 0; start < customers; start += 50_000) {
        producer.beginTransaction();
        for (int i = start; i < Math.min(customers, start + 50_000); i++) {
          var record = serializer.serialize(state(i, asOf, "c" + i), null, null);
          bytes += record.value().length;
          producer.send(record);
        }
        producer.commitTransaction();
      }
    }
    return bytes;
  }

  private static Properties producerProps(EmbeddedKafka kafka, String transactionalId) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    return props;
  }

  /**
   * One GET on a kept-alive connection (HttpURLConnection pools them per thread and host); the
   * status, and the body when asked for.
   */
  private static Answer get(String url, boolean body) {
    try {
      HttpURLConnection connection = (HttpURLConnection) new URL(url).openConnection();
      connection.setConnectTimeout(5_000);
      connection.setReadTimeout(5_000);
      int status = connection.getResponseCode();
      InputStream in = status < 400 ? connection.getInputStream() : connection.getErrorStream();
      byte[] bytes = in == null ? new byte[0] : in.readAllBytes();
      if (in != null) {
        in.close();
      }
      return new Answer(status, body ? new String(bytes, StandardCharsets.UTF_8) : "");
    } catch (IOException e) {
      return new Answer(-1, e.toString());
    }
  }

  private record Answer(int status, String body) {}

  private String url(String base, SplittableRandom random) {
    // One in twenty ids is unknown (a 404), as touchpoints ask about customers in no journey.
    int i = random.nextInt(customers + customers / 20);
    return base + "/customers/" + customerId(i);
  }

  private void warmUp(String base) {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      get(url(base, random), false);
    }
  }

  /**
   * Open loop: each request is sent asynchronously at its scheduled time whatever the answers do,
   * and its latency counts from that time, so a stall shows as latency.
   */
  private long[] paced(String base) throws Exception {
    HttpClient client = new HttpClient();
    client.setMaxConnectionsPerDestination(connections);
    client.setMaxRequestsQueuedPerDestination(Math.max(1024, rate * 2));
    client.start();
    try {
      // Its connections opened and its code compiled: five seconds at the rate, not counted (in
      // the first second, requests queue up beyond the client's limit while connections open).
      paced("warm-up", client, base, rate * 5, new SplittableRandom(5));
      return paced("paced", client, base, requests, new SplittableRandom(11));
    } finally {
      client.stop();
    }
  }

  private long[] paced(String what, HttpClient client, String base, int count,
      SplittableRandom random) throws Exception {
    long[] latencies = new long[count];
    AtomicLong failures = new AtomicLong();
    AtomicReference<String> firstFailure = new AtomicReference<>();
    CountDownLatch answered = new CountDownLatch(count);
    long start = System.nanoTime();
    long interval = 1_000_000_000L / rate;
    for (int n = 0; n < count; n++) {
      long scheduled = start + n * interval;
      long wait = scheduled - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      int slot = n;
      client.newRequest(url(base, random)).timeout(5, TimeUnit.SECONDS)
          .send(new BufferingResponseListener() {
            @Override
            public void onComplete(Result result) {
              latencies[slot] = System.nanoTime() - scheduled;
              int status = result.isFailed() ? -1 : result.getResponse().getStatus();
              if (status != 200 && status != 404 && failures.incrementAndGet() == 1) {
                firstFailure.set(result.isFailed() ? result.getFailure().toString()
                    : "status " + status);
              }
              answered.countDown();
            }
          });
    }
    if (!answered.await(1, TimeUnit.MINUTES)) {
      throw new IllegalStateException("paced lookups unanswered: " + answered.getCount());
    }
    if (failures.get() > 0) {
      System.out.printf("  %s: %,d of %,d lookups failed, the first: %s%n", what,
          failures.get(), count, firstFailure.get());
    }
    return latencies;
  }


  private double asFastAsPossible(String base) throws Exception {
    ExecutorService executor = Executors.newFixedThreadPool(clients);
    try {
      AtomicLong left = new AtomicLong(maxRequests);
      List<Future<?>> workers = new ArrayList<>();
      long start = System.nanoTime();
      for (int c = 0; c < clients; c++) {
        SplittableRandom random = new SplittableRandom(100 + c);
        workers.add(executor.submit(() -> {
          while (left.getAndDecrement() > 0) {
            get(url(base, random), false);
          }
        }));
      }
      for (Future<?> worker : workers) {
        worker.get();
      }
      return maxRequests / seconds(start);
    } finally {
      executor.shutdownNow();
    }
  }

  /** Commit one customer's new state, then ask until the service answers with it. */
  private long[] freshness(EmbeddedKafka kafka, String topic, String base) throws Exception {
    KafkaOutputSerializer<CustomerState> serializer = KafkaOutputSerializer.compacted(topic,
        CustomerState.class, "customerId", s -> s.getMemberships().isEmpty(), "asOf");
    long[] samples = new long[freshnessSamples];
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
        producerProps(kafka, "benchmark-freshness"), new ByteArraySerializer(),
        new ByteArraySerializer())) {
      producer.initTransactions();
      for (int n = 0; n < freshnessSamples; n++) {
        int i = n * 4_999 % customers;
        String changeId = "fresh-" + n;
        producer.beginTransaction();
        producer.send(serializer.serialize(state(i, Instant.now(), changeId), null, null));
        producer.commitTransaction();
        long committed = System.nanoTime();
        String url = base + "/customers/" + customerId(i);
        while (!get(url, true).body().contains(changeId)) {
          Thread.onSpinWait();
        }
        samples[n] = System.nanoTime() - committed;
      }
    }
    return samples;
  }

  /** The p99 of each second of the paced run: a stall shows as a few bad seconds. */
  private String perSecond(long[] nanos) {
    StringBuilder text = new StringBuilder("p99 per second (ms):");
    for (int from = 0; from < nanos.length; from += rate) {
      long[] second = Arrays.copyOfRange(nanos, from, Math.min(nanos.length, from + rate));
      text.append(String.format(" %.1f", percentile(second, 0.99)));
    }
    return text.toString();
  }

  /** How the slow lookups spread, to tell a pause (all at once) from a per-request cost. */
  private static String slowest(long[] nanos) {
    long[] bounds = {1, 5, 10, 20, 40, 80};
    long[] counts = new long[bounds.length + 1];
    for (long n : nanos) {
      int b = 0;
      while (b < bounds.length && n >= bounds[b] * 1_000_000) {
        b++;
      }
      counts[b]++;
    }
    StringBuilder text = new StringBuilder("lookups by latency:");
    for (int b = 0; b <= bounds.length; b++) {
      text.append(b == 0 ? " <" + bounds[0] : b == bounds.length ? ", >=" + bounds[b - 1]
          : ", " + bounds[b - 1] + "-" + bounds[b]).append(" ms: ").append(counts[b]);
    }
    return text.toString();
  }

  private static double percentile(long[] nanos, double p) {
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    int index = (int) Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1);
    return sorted[Math.max(0, index)] / 1e6;
  }
}
