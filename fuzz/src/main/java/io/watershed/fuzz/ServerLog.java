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

  /**
   * What libraries that log through java.util.logging (grpc-java's shaded Netty) write: a date
   * line, then the level and the message.
   */
  private static final Pattern JUL = Pattern.compile("^(SEVERE|WARNING): (.*)$");

  private static final int EXCERPT_LINES = 12;
  private static final int MAX_KEPT = 50;
  private static final int WINDOW = 8 << 20;

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
    long position = from;
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(file)) {
      long size = ch.size();
      // Window by window, so that a log of any size is read in bounded memory (a door that logs a
      // stack trace per damaged connection writes hundreds of megabytes per phase).
      java.nio.ByteBuffer window = java.nio.ByteBuffer.allocate(WINDOW);
      while (position < size) {
        window.clear();
        ch.read(window, position);
        int length = window.position();
        int lastNewline = length - 1;
        while (lastNewline >= 0 && window.get(lastNewline) != '\n') {
          lastNewline--;
        }
        if (lastNewline < 0) {
          if (length < WINDOW) {
            break;
          }
          position += length;
          continue;
        }
        String text = new String(window.array(), 0, lastNewline + 1, StandardCharsets.UTF_8);
        lines(file, text.split("\n"));
        position += lastNewline + 1;
      }
    }
    return position;
  }

  private void lines(Path file, String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      Matcher m = LINE.matcher(lines[i]);
      if (!m.matches()) {
        m = JUL.matcher(lines[i]);
        if (!m.matches()) {
          continue;
        }
      }
      boolean error = m.group(1).equals("ERROR") || m.group(1).equals("SEVERE");
      boolean warn = m.group(1).startsWith("WARN");
      if (!error && !warn) {
        continue;
      }
      StringBuilder excerpt = new StringBuilder(lines[i]);
      for (int j = i + 1; j < Math.min(lines.length, i + 1 + EXCERPT_LINES); j++) {
        if (LINE.matcher(lines[j]).matches()) {
          break;
        }
        excerpt.append('\n').append(lines[j]);
      }
      // The line after an ERROR is its exception when it has one: part of what the error is.
      String next =
          i + 1 < lines.length && !LINE.matcher(lines[i + 1]).matches() ? lines[i + 1] : "";
      Entry e = new Entry(file, lines[i], excerpt.toString(), signature(m.group(2) + " " + next));
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
  }

  /**
   * What an ERROR line says without what varies between occurrences (connection addresses, object
   * hashes, numbers), so that one defect logged many times is one entry.
   */
  static String signature(String message) {
    return message
        .replaceAll("/[0-9.]+:\\d+", "/ADDR")
        .replaceAll("@[0-9a-f]+", "@HASH")
        .replaceAll("\\d+", "N");
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
