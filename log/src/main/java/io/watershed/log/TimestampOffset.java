package io.watershed.log;

/** A record's offset together with its timestamp. */
public record TimestampOffset(long timestamp, long offset) {}
