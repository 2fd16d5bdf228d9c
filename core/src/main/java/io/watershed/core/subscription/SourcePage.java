package io.watershed.core.subscription;

import java.util.List;

/**
 * What one read of a source found.
 *
 * @param entries the work found, ascending by position; positions the source passed over (filtered
 *     out, gaps) are not work and are not listed
 * @param next where the next read starts: after the last position examined, listed or not
 * @param atEnd whether the read reached what the source holds now (nothing more until it grows)
 */
public record SourcePage<E>(List<Entry<E>> entries, long next, boolean atEnd) {
  public SourcePage {
    entries = List.copyOf(entries);
  }
}
