package io.journeyorchestrator.lookup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.journeyorchestrator.avro.CurrentMembership;
import io.journeyorchestrator.avro.CustomerState;
import io.journeyorchestrator.customerstate.CustomerStates;
import io.journeyorchestrator.io.EventIdentity;
import io.journeyorchestrator.io.JsonRecords;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What the lookup service answers, apart from HTTP itself: routes, the bearer token, id checks,
 * and the customer's state as of the moment of the request (expired memberships left out, see
 * {@link CustomerStates#asOf}). Every answer is JSON; errors say what was wrong and never carry a
 * stack trace.
 *
 * <ul>
 *   <li>{@code GET /customers/{id}}: the customer's current state; 404 if the customer holds
 *       nothing.
 *   <li>{@code GET /customers/{id}/audiences/{audience}}: member or not, with since and expiry;
 *       404 for a customer who holds nothing or an audience the job does not have.
 *   <li>{@code GET /health}: 200 while the store can serve or is restoring; {@code GET /ready}:
 *       200 once restored. Both answer without a token, for probes.
 *   <li>{@code GET /metrics}: Prometheus text (served by the server, authenticated like lookups).
 * </ul>
 */
public final class LookupRequests {
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /** One answer: status, and a JSON body (or Prometheus text for metrics). */
  public record Response(int status, String body, String contentType) {
    static Response json(int status, Object body) {
      try {
        return new Response(status, JSON.writeValueAsString(body), "application/json");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("plain maps always serialize", e);
      }
    }

    static Response error(int status, String message) {
      return json(status, Map.of("error", message));
    }
  }

  /** What a request is for, for metrics. */
  public enum Route { CUSTOMER, MEMBERSHIP, HEALTH, READY, METRICS, OTHER }

  private final Function<String, Optional<CustomerState>> states;
  private final StoreStatus status;
  private final Optional<Set<String>> audiences;
  private final Optional<byte[]> token;
  private final Clock clock;

  /** Whether the store serves. */
  public interface StoreStatus {
    boolean ready();

    boolean alive();
  }

  /**
   * @param states the latest state written for a customer
   * @param audiences the job's audience ids, if known (then other ids get 404)
   * @param token the bearer token every lookup must carry, if any
   */
  public LookupRequests(Function<String, Optional<CustomerState>> states, StoreStatus status,
      Optional<Set<String>> audiences, Optional<String> token, Clock clock) {
    this.states = states;
    this.status = status;
    this.audiences = audiences.map(Set::copyOf);
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
    this.clock = clock;
  }

  /** The route of a path, for metrics labels (bounded: ids never become labels). */
  public static Route route(String rawPath) {
    String[] segments = segments(rawPath);
    if (segments.length == 2 && segments[0].equals("customers")) {
      return Route.CUSTOMER;
    }
    if (segments.length == 4 && segments[0].equals("customers")
        && segments[2].equals("audiences")) {
      return Route.MEMBERSHIP;
    }
    if (segments.length == 1) {
      switch (segments[0]) {
        case "health": return Route.HEALTH;
        case "ready": return Route.READY;
        case "metrics": return Route.METRICS;
        default: return Route.OTHER;
      }
    }
    return Route.OTHER;
  }

  /** Whether the request may see lookups and metrics. Probes need no token. */
  public boolean authorized(Route route, String authorization) {
    if (token.isEmpty() || route == Route.HEALTH || route == Route.READY) {
      return true;
    }
    if (authorization == null || !authorization.startsWith("Bearer ")) {
      return false;
    }
    byte[] given = authorization.substring("Bearer ".length()).trim()
        .getBytes(StandardCharsets.UTF_8);
    return MessageDigest.isEqual(given, token.get());
  }

  /**
   * @param metrics the Prometheus text, produced only when asked for
   */
  public Response handle(String method, String rawPath, String authorization,
      Supplier<String> metrics) {
    Route route = route(rawPath);
    if (!authorized(route, authorization)) {
      return Response.error(401, "missing or wrong bearer token");
    }
    if (!method.equals("GET") && !method.equals("HEAD")) {
      return Response.error(405, "only GET: this service has no write endpoints");
    }
    switch (route) {
      case HEALTH:
        return status.alive() ? Response.json(200, Map.of("status", "UP"))
            : Response.json(503, Map.of("status", "DOWN"));
      case READY:
        return status.ready() ? Response.json(200, Map.of("status", "READY"))
            : Response.json(503, Map.of("status", "RESTORING"));
      case METRICS:
        return new Response(200, metrics.get(), "text/plain; version=0.0.4; charset=utf-8");
      case CUSTOMER:
      case MEMBERSHIP:
        return lookup(route, segments(rawPath));
      default:
        return Response.error(404, "no such endpoint: GET /customers/{id},"
            + " /customers/{id}/audiences/{audience}, /health, /ready or /metrics");
    }
  }

  private Response lookup(Route route, String[] segments) {
    String customerId;
    String audienceId = null;
    try {
      customerId = decode(segments[1]);
      if (route == Route.MEMBERSHIP) {
        audienceId = decode(segments[3]);
      }
    } catch (IllegalArgumentException e) {
      return Response.error(400, "the path is not valid percent-encoding");
    }
    Optional<String> bad = badId(customerId);
    if (bad.isPresent()) {
      return Response.error(400, "customer id " + bad.get());
    }
    if (audienceId != null && audiences.isPresent() && !audiences.get().contains(audienceId)) {
      return Response.error(404, "the job has no audience with this id");
    }
    if (!status.ready()) {
      return Response.error(503, "the store is still restoring; try again (GET /ready)");
    }
    Instant now = clock.instant();
    Optional<CustomerState> state = states.apply(customerId)
        .map(s -> CustomerStates.asOf(s, now))
        .filter(s -> !CustomerStates.holdsNothing(s));
    if (state.isEmpty()) {
      return Response.error(404, "this customer is in no audience");
    }
    if (route == Route.CUSTOMER) {
      Map<String, Object> body = new LinkedHashMap<>(JsonRecords.toMap(state.get()));
      body.put("readAt", now.toEpochMilli());
      return Response.json(200, body);
    }
    String wanted = audienceId;
    Optional<CurrentMembership> membership = state.get().getMemberships().stream()
        .filter(m -> m.getAudienceId().equals(wanted))
        .findFirst();
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("customerId", customerId);
    body.put("audienceId", audienceId);
    body.put("member", membership.isPresent());
    membership.ifPresent(m -> {
      body.put("since", m.getSince().toEpochMilli());
      body.put("expiresAt", m.getExpiresAt() == null ? null : m.getExpiresAt().toEpochMilli());
    });
    body.put("asOf", state.get().getAsOf().toEpochMilli());
    body.put("readAt", now.toEpochMilli());
    return Response.json(200, body);
  }

  /** Why an id cannot be a customer id of the job, if it cannot: the job's own limits. */
  private static Optional<String> badId(String id) {
    if (id.isBlank()) {
      return Optional.of("is empty");
    }
    if (id.length() > EventIdentity.MAX_ID_CHARS) {
      return Optional.of("is longer than " + EventIdentity.MAX_ID_CHARS + " characters");
    }
    if (id.chars().anyMatch(Character::isISOControl)) {
      return Optional.of("contains a control character");
    }
    return Optional.empty();
  }

  private static String[] segments(String rawPath) {
    String path = rawPath.startsWith("/") ? rawPath.substring(1) : rawPath;
    if (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.isEmpty() ? new String[0] : path.split("/", -1);
  }

  /** Percent-decoding of one path segment ('+' is a plus sign in a path, not a space). */
  private static String decode(String segment) {
    return URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
  }
}
