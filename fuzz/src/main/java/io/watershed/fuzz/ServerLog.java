package io.watershed.fuzz;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the server logged, as its logback pattern writes it ({@code HH:mm:ss.SSS LEVEL Logger -
 * message}, stack traces on the lines after). Counts ERROR and WARN lines and keeps each ERROR with
 * the lines that follow it (its stack trace) for the report.
 */
public final class ServerLog {
  private static final Pattern LINE =
      Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} (ERROR|WARN |INFO |DEBUG|TRACE) (.*)$");
  private static final int EXCERPT_LINES = 12;
  private static final int MAX_KEPT = 50;

  /** One ERROR line with the lines after it that belong to it, and the file it was in. */
  public record Entry(Path file, String line, String excerpt, String signature) {}

  private final List<Entry> errors = new ArrayList<>();
  private final java.util.Map<String, Long> errorSignatures = new java.util.LinkedHashMap<>();
  private final List<Entry> warnings = new ArrayList<>();
  private long errorCount;
  private long warnCount;

  /**
   * Reads one log file from byte {@code from} on (the start of a line); returns where it stopped,
   * after the last whole line.
   */
  public long scan(Path file, long from) throws IOException {
    if (!Files.exists(file)) {
      return from;
    }
    byte[] bytes;
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      long size = ch.size();
      if (size <= from) {
        return from;
      }
      java.nio.ByteBuffer b =
          java.nio.ByteBuffer.allocate((int) Math.min(Integer.MAX_VALUE - 8, size - from));
      ch.read(b, from);
      bytes = java.util.Arrays.copyOf(b.array(), b.position());
    }
    int lastNewline = bytes.length - 1;
    while (lastNewline >= 0 && bytes[lastNewline] != '\n') {
      lastNewline--;
    }
    if (lastNewline < 0) {
      return from;
    }
    String text = new String(bytes, 0, lastNewline + 1, StandardCharsets.UTF_8);
    List<String> lines = List.of(text.split("\n"));
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = LINE.matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      boolean error = m.group(1).equals("ERROR");
      boolean warn = m.group(1).startsWith("WARN");
      if (!error && !warn) {
        continue;
      }
      StringBuilder excerpt = new StringBuilder(lines.get(i));
      for (int j = i + 1; j < Math.min(lines.size(), i + 1 + EXCERPT_LINES); j++) {
        if (LINE.matcher(lines.get(j)).matches()) {
          break;
        }
        excerpt.append('\n').append(lines.get(j));
      }
      // The line after an ERROR is its exception when it has one: part of what the error is.
      String next =
          i + 1 < lines.size() && !LINE.matcher(lines.get(i + 1)).matches() ? lines.get(i + 1) : "";
      Entry e =
          new Entry(file, lines.get(i), excerpt.toString(), signature(m.group(2) + " " + next));
      if (error) {
        errorCount++;
        Long seen = errorSignatures.merge(e.signature(), 1L, Long::sum);
        if (seen == 1 && errors.size() < MAX_KEPT) {
          errors.add(e);
        }
      } else {
        warnCount++;
        if (warnings.size() < MAX_KEPT) {
          warnings.add(e);
        }
      }
    }
    return from + lastNewline + 1;
  }

  /**
   * What an ERROR line says without what varies between occurrences (connection addresses,
   * numbers), so that one defect logged many times is one entry.
   */
  static String signature(String message) {
    return message.replaceAll("/[0-9.]+:\\d+", "/ADDR").replaceAll("\\d+", "N");
  }

  /** How often each distinct ERROR (by {@link #signature}) was logged. */
  public java.util.Map<String, Long> errorSignatures() {
    return java.util.Map.copyOf(errorSignatures);
  }

  public long errorCount() {
    return errorCount;
  }

  public long warnCount() {
    return warnCount;
  }

  /** The first ERROR entry of each distinct signature (at most 50). */
  public List<Entry> errors() {
    return List.copyOf(errors);
  }

  /** The first WARN entries (at most 50). */
  public List<Entry> warnings() {
    return List.copyOf(warnings);
  }
}
