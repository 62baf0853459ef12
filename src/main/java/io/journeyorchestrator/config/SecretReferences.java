package io.journeyorchestrator.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The references a Kafka property value of job.yaml may hold instead of a secret: {@code
 * ${ENV_VAR}} (an environment variable) and {@code ${file:/path}} (a file's content, its trailing
 * newline trimmed, as secrets mounted by Kubernetes or Docker usually end with one).
 *
 * <p>Kafka's config providers resolve {@code ${provider:key}}; {@code ${file:/path}} already has
 * that shape, and {@code ${ENV_VAR}} becomes {@code ${env:ENV_VAR}} (see {@link #toKafkaSyntax}).
 */
public final class SecretReferences {
  static final String ENV = "env";
  static final String FILE = "file";
  private static final Pattern REFERENCE = Pattern.compile("\\$\\{([^}]*)}");
  private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  private static final String SYNTAX = "write ${ENV_VAR} or ${file:/absolute/path}";

  private SecretReferences() {}

  /** A secret that cannot be read where it is resolved, with what is missing. */
  public static final class UnresolvedSecretException extends Exception {
    UnresolvedSecretException(String message) {
      super(message);
    }
  }

  static boolean hasReference(String value) {
    return REFERENCE.matcher(value).find();
  }

  /** What is wrong with the references of a value, or empty when each is one of the two forms. */
  static Optional<String> syntaxProblem(String value) {
    Matcher reference = REFERENCE.matcher(value);
    int end = 0;
    while (reference.find()) {
      String inside = reference.group(1);
      boolean file = inside.startsWith(FILE + ":") && inside.length() > FILE.length() + 1;
      if (file && !Path.of(inside.substring(FILE.length() + 1)).isAbsolute()) {
        return Optional.of("'" + reference.group() + "' names a relative path; the job may run"
            + " in another folder, so " + SYNTAX);
      }
      if (!file && !ENV_NAME.matcher(inside).matches()) {
        return Optional.of("'" + reference.group() + "' is not a reference the job reads; "
            + SYNTAX);
      }
      end = reference.end();
    }
    if (value.indexOf("${", end) >= 0) {
      return Optional.of("'${' without a closing '}'; " + SYNTAX);
    }
    return Optional.empty();
  }

  /** The value in Kafka's config-provider syntax, for the providers env and file. */
  static String toKafkaSyntax(String value) {
    return REFERENCE.matcher(value).replaceAll(reference -> Matcher.quoteReplacement(
        reference.group(1).startsWith(FILE + ":") ? reference.group() :
            "${" + ENV + ":" + reference.group(1) + "}"));
  }

  /** The value with every reference replaced by what it names, read on this machine. */
  static String resolve(String value, Function<String, String> environment)
      throws UnresolvedSecretException {
    Matcher reference = REFERENCE.matcher(value);
    StringBuilder resolved = new StringBuilder();
    while (reference.find()) {
      String inside = reference.group(1);
      String secret = inside.startsWith(FILE + ":")
          ? file(inside.substring(FILE.length() + 1))
          : env(inside, environment);
      reference.appendReplacement(resolved, Matcher.quoteReplacement(secret));
    }
    reference.appendTail(resolved);
    return resolved.toString();
  }

  static String env(String name, Function<String, String> environment)
      throws UnresolvedSecretException {
    String value = environment.apply(name);
    if (value == null) {
      throw new UnresolvedSecretException("environment variable " + name + " is not set; set it"
          + " where the job and its Kafka clients run (JobManager and TaskManagers)");
    }
    return value;
  }

  static String file(String path) throws UnresolvedSecretException {
    try {
      return Files.readString(Path.of(path), StandardCharsets.UTF_8).replaceAll("[\r\n]+$", "");
    } catch (NoSuchFileException e) {
      throw new UnresolvedSecretException("secret file " + path + " does not exist; mount it"
          + " where the job and its Kafka clients run (JobManager and TaskManagers)");
    } catch (IOException e) {
      throw new UnresolvedSecretException("secret file " + path + " cannot be read ("
          + e.getClass().getSimpleName() + "); make it readable by the user the job runs as");
    }
  }
}
