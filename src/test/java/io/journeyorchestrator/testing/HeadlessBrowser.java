package io.journeyorchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;

/**
 * A real headless Chromium, installed by {@code scripts/install-chromium.sh} when missing: loads
 * a local page with the network off, runs its scripts, and returns the DOM they leave.
 */
public final class HeadlessBrowser {
  private HeadlessBrowser() {}

  /** The page's DOM after its scripts ran, as HTML. */
  public static String domOf(Path page) throws IOException, InterruptedException {
    Scripts.Result install = Scripts.run(Duration.ofMinutes(10), "scripts/install-chromium.sh");
    assertThat(install.exitCode()).as("installing chromium:\n" + install.output()).isZero();
    List<String> lines = install.output().strip().lines().toList();
    String chromium = lines.get(lines.size() - 1);
    Path profile = Files.createTempDirectory("chromium-profile-");
    Path dom = Files.createTempFile("dom-", ".html");
    try {
      Process process = new ProcessBuilder(chromium, "--headless", "--no-sandbox",
          "--disable-gpu", "--user-data-dir=" + profile,
          // Anything the page fetches from a network fails, so a CDN reference shows as a
          // chart that never rendered.
          "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
          "--virtual-time-budget=10000", "--dump-dom", page.toUri().toString())
          .redirectOutput(dom.toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD)
          .start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("chromium did not render " + page + " within 2 minutes");
      }
      assertThat(process.exitValue()).as("chromium's exit code").isZero();
      return Files.readString(dom, StandardCharsets.UTF_8);
    } finally {
      FileUtils.deleteDirectory(profile.toFile());
      Files.deleteIfExists(dom);
    }
  }
}
