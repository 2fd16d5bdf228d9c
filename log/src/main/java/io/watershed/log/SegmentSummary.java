package io.watershed.log;

/**
 * What a sealed segment's index files record about the records file they describe, so that a later
 * open can tell whether the index still matches the data without scanning it.
 *
 * @param baseOffset the segment's first offset (its file name)
 * @param sizeInBytes bytes of valid batches in the records file
 * @param nextOffset one past the last offset covered by the segment's batches
 * @param lastBatchPosition file position of the last batch, -1 when the segment is empty
 * @param lastBatchCrc the stored CRC of the last batch, compared on load
 * @param maxTimestamp the largest record timestamp in the segment, -1 when none
 * @param offsetOfMaxTimestamp the first offset holding {@code maxTimestamp}, -1 when none
 */
record SegmentSummary(
    long baseOffset,
    int sizeInBytes,
    long nextOffset,
    int lastBatchPosition,
    int lastBatchCrc,
    long maxTimestamp,
    long offsetOfMaxTimestamp) {}
