package io.watershed.core.stream;

import java.util.List;
import java.util.regex.Pattern;

/**
 * A server-side filter on events, as EventStoreDB's {@code $all} subscriptions take it: by stream
 * name or by event type, with prefixes or a regular expression (found anywhere in the name).
 */
public final class EventFilter {
  private final boolean onStreamName;
  private final List<String> prefixes;
  private final Pattern regex;

  /**
   * @param onStreamName true to filter on the stream name, false on the event type
   * @param prefixes accepted prefixes (any of them)
   * @param regex an accepted regular expression, or null
   * @throws java.util.regex.PatternSyntaxException when {@code regex} is not one
   */
  public EventFilter(boolean onStreamName, List<String> prefixes, String regex) {
    this.onStreamName = onStreamName;
    this.prefixes = List.copyOf(prefixes);
    this.regex = regex == null || regex.isEmpty() ? null : Pattern.compile(regex);
  }

  public boolean onStreamName() {
    return onStreamName;
  }

  public List<String> prefixes() {
    return prefixes;
  }

  /** The regular expression, or null. */
  public String regex() {
    return regex == null ? null : regex.pattern();
  }

  public boolean test(RecordedEvent e) {
    String subject = onStreamName ? e.stream() : e.type();
    for (String p : prefixes) {
      if (subject.startsWith(p)) {
        return true;
      }
    }
    return regex != null && regex.matcher(subject).find();
  }
}
