package io.journeyorchestrator.benchmark;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import picocli.CommandLine;

/**
 * A command run in this JVM with what it printed: the smoke tests read the figures a user sees,
 * and still show them in the test's own output.
 */
record CapturedRun(int exitCode, String output) {
  static CapturedRun of(Object command, String... args) {
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    PrintStream stdout = System.out;
    int code;
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    try {
      code = new CommandLine(command).execute(args);
    } finally {
      System.setOut(stdout);
    }
    String output = captured.toString(StandardCharsets.UTF_8);
    stdout.print(output);
    return new CapturedRun(code, output);
  }

  String lastLine() {
    List<String> lines = output.lines().toList();
    return lines.get(lines.size() - 1);
  }
}
