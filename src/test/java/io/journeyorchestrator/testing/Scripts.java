package io.journeyorchestrator.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the project's scripts from tests, echoing their output and keeping it for assertions. */
public final class Scripts {
  /** Maven runs tests from the repository root. */
  private static final Path REPO = Path.of("").toAbsolutePath();

  private Scripts() {}

  public record Result(int exitCode, String output) {}

  public static Result run(Duration timeout, String script, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("bash", script));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command)
        .directory(REPO.toFile())
        .redirectErrorStream(true)
        .start();
    process.getOutputStream().close();
    StringBuilder output = new StringBuilder();
    Thread pump = new Thread(() -> {
      try (var reader = process.inputReader(StandardCharsets.UTF_8)) {
        String line;
        while ((line = reader.readLine()) != null) {
          System.out.println(line);
          synchronized (output) {
            output.append(line).append('\n');
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    pump.start();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      // TERM first so the script's cleanup stops the servers it started.
      process.destroy();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
      throw new AssertionError(script + " did not finish within " + timeout + ":\n" + output);
    }
    pump.join(10_000);
    synchronized (output) {
      return new Result(process.exitValue(), output.toString());
    }
  }
}
