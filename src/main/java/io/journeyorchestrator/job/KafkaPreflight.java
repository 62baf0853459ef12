package io.journeyorchestrator.job;

import io.journeyorchestrator.config.JobSettings;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks Kafka for its cluster id with the job's client properties before the job is submitted.
 * Once running, a Kafka client that is refused authentication fails its task, and the restart
 * strategy restarts it forever: a wrong password would look like a job that never gets going.
 * Here it fails the start with the cause. A broker that does not answer is only a warning: the
 * job may well be started before Kafka (a whole deployment at once) and then waits for it.
 */
final class KafkaPreflight {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaPreflight.class);
  private static final Duration TIMEOUT = Duration.ofSeconds(20);

  private KafkaPreflight() {}

  /** Kafka refused the job's clients: a start-up error whose message says why. */
  static final class KafkaRefusedException extends RuntimeException {
    KafkaRefusedException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  static void check(JobSettings settings) {
    String servers = settings.bootstrapServers();
    String fix = "; check kafka.bootstrapServers and kafka.properties in "
        + settings.kafkaClient().file();
    Map<String, Object> props = new HashMap<>(settings.kafkaClient().forAdmin());
    props.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis() / 2);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new KafkaRefusedException("Kafka client properties for " + servers
          + " are not usable: " + causes(e) + fix, e);
    }
    try {
      admin.describeCluster().clusterId().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof AuthenticationException refused) {
        throw new KafkaRefusedException("Kafka at " + servers + " refused authentication: "
            + refused.getMessage() + fix, refused);
      }
      if (e.getCause() instanceof AuthorizationException denied) {
        throw new KafkaRefusedException("Kafka at " + servers + " denied the job's user: "
            + denied.getMessage() + fix, denied);
      }
      LOG.warn("Kafka at {} did not answer the start-up check ({}); starting anyway", servers,
          causes(e.getCause()));
    } catch (TimeoutException e) {
      LOG.warn("Kafka at {} did not answer within {} s; starting anyway, the job waits for it",
          servers, TIMEOUT.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while checking Kafka at " + servers, e);
    } finally {
      admin.close(Duration.ofSeconds(5));
    }
  }

  /** The messages of an exception and its causes, which say what is wrong in a bad config. */
  private static String causes(Throwable e) {
    StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      text.append(": ").append(cause.getMessage());
    }
    return text.toString();
  }
}
