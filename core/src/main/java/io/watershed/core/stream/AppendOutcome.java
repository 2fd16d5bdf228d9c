package io.watershed.core.stream;

/**
 * A successful append.
 *
 * @param lastRevision the revision of the stream's last event after the append
 * @param position the {@code $all} position of the last event written (for a retried append: of the
 *     original's last event)
 */
public record AppendOutcome(long lastRevision, long position) {}
