package io.watershed.log;

/**
 * Where an append landed.
 *
 * @param firstOffset offset assigned to the first record
 * @param lastOffset offset assigned to the last record
 * @param logAppendTime the time stamped on the batches when the log uses LogAppendTime, else -1
 * @param logStartOffset the log start offset when the append completed
 * @param recordCount number of records appended
 * @param sizeInBytes bytes appended
 * @param duplicate whether the batches repeated ones already in the log (a producer's retry), so
 *     nothing was written and the offsets are those of the original
 */
public record AppendResult(
    long firstOffset,
    long lastOffset,
    long logAppendTime,
    long logStartOffset,
    int recordCount,
    int sizeInBytes,
    boolean duplicate) {}
