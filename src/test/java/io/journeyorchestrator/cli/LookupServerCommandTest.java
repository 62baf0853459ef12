package io.journeyorchestrator.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.journeyorchestrator.config.JobFolder;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.Inet4Address;
import java.net.NetworkInterface;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The lookup service will not listen beyond loopback without a token, and says how to give one. */
class LookupServerCommandTest {
  @TempDir Path dir;

  @Test
  void shouldRefuseToListenBeyondLoopbackWithoutAToken() throws Exception {
    Path job = JobFolder.in(dir.resolve("job")).path();
    String other = NetworkInterface.networkInterfaces()
        .flatMap(NetworkInterface::inetAddresses)
        .filter(a -> a instanceof Inet4Address && !a.isLoopbackAddress())
        .findFirst().orElseThrow().getHostAddress();
    StringWriter err = new StringWriter();
    CommandLine cli = JourneyCli.commandLine();
    cli.setErr(new PrintWriter(err));
    cli.setOut(new PrintWriter(new StringWriter()));

    int code = cli.execute("lookup-server", "--job", job.toString(), "--bind", other);

    assertThat(code).isEqualTo(JourneyCli.INVALID);
    assertThat(err.toString())
        .contains("refusing to listen on " + other + " without a bearer token")
        .contains("--token-file").contains(LookupServerCommand.TOKEN_ENV);
  }

  @Test
  void shouldHaveNoTokenOption() {
    assertThat(JourneyCli.commandLine().getSubcommands().get("lookup-server")
        .getCommandSpec().options())
        .as("a token on the command line shows in ps and shell history")
        .noneMatch(o -> o.longestName().equals("--token"));
  }
}
