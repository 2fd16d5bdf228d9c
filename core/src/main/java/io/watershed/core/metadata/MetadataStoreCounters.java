package io.watershed.core.metadata;

/**
 * What a {@link MetadataStore} has done since it was opened, for metrics and for checking that
 * group commit works: {@code commandsLogged / groupCommits} is the average number of commands that
 * shared one fsync.
 *
 * @param commandsLogged commands appended to the command log (and then applied)
 * @param groupCommits appends to the command log, each ending in one fsync
 * @param snapshotsTaken snapshots written, including the one on close
 */
public record MetadataStoreCounters(long commandsLogged, long groupCommits, long snapshotsTaken) {}
