package io.watershed.core.stream;

/**
 * An event as a read returns it. In a projection stream ({@code $ce-order}, {@code $et-Created}
 * ...) every entry is a link (type {@code $>}, data {@code "<revision>@<stream>"}) to an event
 * elsewhere; when links are resolved, {@code event} is the target and {@code link} the link.
 *
 * @param event the event (the link itself when links are not resolved, or the target when they are)
 * @param link the link through which the event was reached, or null when read directly
 */
public record ResolvedEvent(RecordedEvent event, RecordedEvent link) {
  /** The entry of the stream that was read: the link when there is one. */
  public RecordedEvent original() {
    return link != null ? link : event;
  }

  /** Bytes of data and metadata of the event (the target when a link was resolved). */
  public long size() {
    return (long) event.data().length + event.metadata().length;
  }

  /** The {@code $all} position of the entry read. */
  public long position() {
    return original().position();
  }
}
