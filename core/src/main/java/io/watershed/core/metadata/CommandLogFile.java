package io.watershed.core.metadata;

import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One file of the command log, named by the index of its first entry: {@code
 * commands-00000000000000000001.log}. Twenty digits keep names sorting by index.
 *
 * @param path where the file is
 * @param firstIndex the index its first entry has, or will have while it is empty
 */
record CommandLogFile(Path path, long firstIndex) {

  static final String PREFIX = "commands-";
  static final String SUFFIX = ".log";
  private static final Pattern NAME = Pattern.compile("commands-(\\d{20})\\.log");

  /** The file in {@code dir} whose first entry has {@code firstIndex}. */
  static CommandLogFile in(Path dir, long firstIndex) {
    return new CommandLogFile(
        dir.resolve(PREFIX + String.format("%020d", firstIndex) + SUFFIX), firstIndex);
  }

  /** Parses {@code path}'s name; empty if it is not a command-log file name. */
  static Optional<CommandLogFile> parse(Path path) {
    Matcher matcher = NAME.matcher(path.getFileName().toString());
    if (!matcher.matches()) {
      return Optional.empty();
    }
    return Optional.of(new CommandLogFile(path, Long.parseLong(matcher.group(1))));
  }
}
