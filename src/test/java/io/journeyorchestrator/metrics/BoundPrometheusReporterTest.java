package io.journeyorchestrator.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class BoundPrometheusReporterTest {
  /** This machine's first non-loopback IPv4 address: where a wildcard bind would also answer. */
  private static final InetAddress OTHER_ADDRESS = otherAddress().orElseThrow(
      () -> new IllegalStateException("the test needs a non-loopback IPv4 address to show what"
          + " the reporter does not listen on"));

  @Test
  void shouldServeMetricsOnLoopbackOnlyByDefault() throws Exception {
    int port = freePort();
    BoundPrometheusReporter reporter = create(null, Integer.toString(port));
    try {
      assertEquals(port, reporter.port());
      HttpResponse<String> response = HttpClient.newHttpClient().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, response.statusCode());
      assertFalse(accepts(OTHER_ADDRESS, port), "reachable on " + OTHER_ADDRESS);
    } finally {
      reporter.close();
    }
    assertFalse(accepts(InetAddress.getLoopbackAddress(), port), "still listening after close");
  }

  @Test
  void shouldListenWhereTheHostOptionSays() throws Exception {
    int port = freePort();
    BoundPrometheusReporter reporter = create("0.0.0.0", Integer.toString(port));
    try {
      assertTrue(accepts(OTHER_ADDRESS, port), "not reachable on " + OTHER_ADDRESS);
    } finally {
      reporter.close();
    }
  }

  @Test
  void shouldTakeTheNextPortOfTheRangeWhenOneIsTaken() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      int first = taken.getLocalPort();
      BoundPrometheusReporter reporter = create(null, first + "-" + (first + 5));
      try {
        assertTrue(reporter.port() > first && reporter.port() <= first + 5, "" + reporter.port());
      } finally {
        reporter.close();
      }
    }
  }

  @Test
  void shouldNameHostAndPortsWhenNoPortIsFree() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      String port = Integer.toString(taken.getLocalPort());
      IllegalStateException e = assertThrows(IllegalStateException.class, () -> create(null, port));
      assertTrue(e.getMessage().contains("127.0.0.1") && e.getMessage().contains(port),
          e.getMessage());
    }
  }

  private static BoundPrometheusReporter create(String host, String port) {
    Properties properties = new Properties();
    if (host != null) {
      properties.setProperty("host", host);
    }
    properties.setProperty("port", port);
    return (BoundPrometheusReporter)
        new BoundPrometheusReporterFactory().createMetricReporter(properties);
  }

  private static boolean accepts(InetAddress address, int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(address, port), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  private static Optional<InetAddress> otherAddress() {
    try {
      return NetworkInterface.networkInterfaces()
          .filter(nic -> {
            try {
              return nic.isUp() && !nic.isLoopback();
            } catch (IOException e) {
              return false;
            }
          })
          .flatMap(NetworkInterface::inetAddresses)
          .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
          .findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
