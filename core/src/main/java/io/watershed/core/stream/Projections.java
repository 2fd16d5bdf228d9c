package io.watershed.core.stream;

import java.nio.charset.StandardCharsets;

/**
 * The system projections the store keeps as link streams, as EventStoreDB names them: {@code
 * $ce-<category>} ({@code $by_category}: every event of the category's streams), {@code $et-<type>}
 * ({@code $by_event_type}), {@code $streams} (the first event of every stream) and {@code
 * $category-<category>} ({@code $stream_by_category}: the first event of each stream of the
 * category). A stream's category is its name up to the first {@code -}; a name without one has
 * none. System streams (names starting with {@code $}) are not projected.
 */
final class Projections {
  static final String BY_CATEGORY_PREFIX = "$ce-";
  static final String BY_EVENT_TYPE_PREFIX = "$et-";
  static final String STREAMS = "$streams";
  static final String STREAM_BY_CATEGORY_PREFIX = "$category-";

  /** The event type of a link; its data is {@code "<revision>@<stream>"}. */
  static final String LINK_TYPE = "$>";

  private Projections() {}

  static String category(String stream) {
    int dash = stream.indexOf('-');
    return dash > 0 ? stream.substring(0, dash) : null;
  }

  static boolean isProjection(String stream) {
    return stream.startsWith(BY_CATEGORY_PREFIX)
        || stream.startsWith(BY_EVENT_TYPE_PREFIX)
        || stream.equals(STREAMS)
        || stream.startsWith(STREAM_BY_CATEGORY_PREFIX);
  }

  /** The link at {@code revision} of {@code projection} to {@code target}. */
  static RecordedEvent link(String projection, long revision, RecordedEvent target) {
    return new RecordedEvent(
        projection,
        revision,
        target.position(),
        target.id(),
        LINK_TYPE,
        "application/octet-stream",
        (target.revision() + "@" + target.stream()).getBytes(StandardCharsets.UTF_8),
        new byte[0],
        target.createdMillis());
  }
}
