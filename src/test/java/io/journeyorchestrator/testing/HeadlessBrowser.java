package io.journeyorchestrator.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.util.FileUtils;

/**
 * A real headless Chromium, installed by {@code scripts/install-chromium.sh} when missing: loads
 * a local page with the network off, runs its scripts, and returns the DOM they leave and what
 * they wrote to the console (errors included); can also take a screenshot.
 */
public final class HeadlessBrowser {
  /** The page's DOM after its scripts ran, and its console messages (uncaught errors too). */
  public record Page(String dom, List<String> console) {}

  private HeadlessBrowser() {}

  public static Page load(Path page) throws IOException, InterruptedException {
    Path dom = Files.createTempFile("dom-", ".html");
    Path log = Files.createTempFile("chromium-", ".log");
    try {
      run(page, dom, log, "--enable-logging=stderr", "--v=0", "--dump-dom");
      List<String> console = new ArrayList<>();
      for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
        if (line.contains(":CONSOLE")) {
          console.add(line);
        }
      }
      return new Page(Files.readString(dom, StandardCharsets.UTF_8), console);
    } finally {
      Files.deleteIfExists(dom);
      Files.deleteIfExists(log);
    }
  }

  /** Writes a PNG of the page's first {@code height} pixels, 1300 wide, for a person to see. */
  public static void screenshot(Path page, Path png, int height)
      throws IOException, InterruptedException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Path log = Files.createTempFile("chromium-", ".log");
    try {
      run(page, log, log, "--hide-scrollbars", "--window-size=1300," + height,
          "--screenshot=" + png.toAbsolutePath());
    } finally {
      Files.deleteIfExists(log);
    }
    assertThat(png).isNotEmptyFile();
  }

  private static void run(Path page, Path stdout, Path stderr, String... options)
      throws IOException, InterruptedException {
    Scripts.Result install = Scripts.run(Duration.ofMinutes(10), "scripts/install-chromium.sh");
    assertThat(install.exitCode()).as("installing chromium:\n" + install.output()).isZero();
    List<String> lines = install.output().strip().lines().toList();
    Path profile = Files.createTempDirectory("chromium-profile-");
    List<String> command = new ArrayList<>(List.of(lines.get(lines.size() - 1), "--headless",
        "--no-sandbox", "--disable-gpu", "--user-data-dir=" + profile,
        // Anything the page fetches from a network fails, so a CDN reference shows as a chart
        // that never rendered.
        "--proxy-server=127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
        "--virtual-time-budget=10000"));
    command.addAll(List.of(options));
    command.add(page.toUri().toString());
    try {
      Process process = new ProcessBuilder(command)
          .redirectOutput(stdout.toFile())
          .redirectError(stderr.equals(stdout)
              ? ProcessBuilder.Redirect.DISCARD : ProcessBuilder.Redirect.to(stderr.toFile()))
          .start();
      if (!process.waitFor(2, TimeUnit.MINUTES)) {
        process.destroyForcibly();
        throw new AssertionError("chromium did not render " + page + " within 2 minutes");
      }
      assertThat(process.exitValue()).as("chromium's exit code").isZero();
    } finally {
      FileUtils.deleteDirectory(profile.toFile());
    }
  }
}
