package io.watershed.kinesis.handlers;

import io.watershed.kinesis.KinesisException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;

/**
 * Shard iterators and NextTokens: opaque to clients, base64 (URL-safe, no padding) of a small
 * binary record. Both expire after {@link io.watershed.kinesis.KinesisConfig#iteratorLifetimeMs()}
 * (Kinesis: five minutes).
 *
 * <pre>
 * shard iterator:                      next token:
 * | field      | width |               | field      | width |
 * | version=1  | 1     |               | version=2  | 1     |
 * | issued ms  | 8     |               | issued ms  | 8     |
 * | partition  | 4     |               | kind       | 1     |  1 ListStreams, 2 ListShards, 3 consumers
 * | offset     | 8     |               | position   | 4     |  next shard index (ListShards)
 * | topic id   | 16    |               | name       | rest  |  UTF-8: last stream / the stream
 * | stream     | rest  |  UTF-8
 * </pre>
 *
 * Not signed: a forged iterator can only name a stream, shard and offset the client could ask for
 * anyway.
 */
final class Tokens {
  private Tokens() {}

  record Iterator(long issuedMillis, int partition, long offset, UUID topicId, String stream) {}

  static String iterator(long now, int partition, long offset, UUID topicId, String stream) {
    byte[] name = stream.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 4 + 8 + 16 + name.length);
    b.put((byte) 1).putLong(now).putInt(partition).putLong(offset);
    b.putLong(topicId.getMostSignificantBits()).putLong(topicId.getLeastSignificantBits());
    b.put(name);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  static Iterator parseIterator(String token) {
    try {
      ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
      if (b.get() != 1) {
        throw invalidIterator();
      }
      long issued = b.getLong();
      int partition = b.getInt();
      long offset = b.getLong();
      UUID id = new UUID(b.getLong(), b.getLong());
      byte[] name = new byte[b.remaining()];
      b.get(name);
      if (partition < 0 || offset < 0 || name.length == 0) {
        throw invalidIterator();
      }
      return new Iterator(issued, partition, offset, id, new String(name, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw invalidIterator();
    }
  }

  private static KinesisException invalidIterator() {
    return KinesisException.invalidArgument("Invalid ShardIterator.");
  }

  record NextToken(long issuedMillis, int kind, int position, String name) {}

  static final int LIST_STREAMS = 1;
  static final int LIST_SHARDS = 2;
  static final int LIST_CONSUMERS = 3;

  static String nextToken(long now, int kind, int position, String name) {
    byte[] n = name.getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate(1 + 8 + 1 + 4 + n.length);
    b.put((byte) 2).putLong(now).put((byte) kind).putInt(position).put(n);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b.array());
  }

  /**
   * @throws KinesisException InvalidArgumentException when malformed, ExpiredNextTokenException
   *     when older than {@code lifetimeMs}
   */
  static NextToken parseNextToken(String token, int kind, long now, long lifetimeMs) {
    NextToken t;
    try {
      ByteBuffer b = ByteBuffer.wrap(Base64.getUrlDecoder().decode(token));
      if (b.get() != 2) {
        throw invalidToken();
      }
      long issued = b.getLong();
      int k = b.get();
      int position = b.getInt();
      byte[] n = new byte[b.remaining()];
      b.get(n);
      t = new NextToken(issued, k, position, new String(n, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException | BufferUnderflowException e) {
      throw invalidToken();
    }
    if (t.kind != kind || t.position < 0) {
      throw invalidToken();
    }
    if (now - t.issuedMillis > lifetimeMs) {
      throw KinesisException.expiredNextToken("The NextToken has expired.");
    }
    return t;
  }

  private static KinesisException invalidToken() {
    return KinesisException.invalidArgument("Invalid NextToken.");
  }
}
