package io.watershed.kinesis;

/**
 * Settings of the Kinesis front door.
 *
 * @param bindHost address to listen on
 * @param port port to listen on; 0 picks a free one
 * @param maxRequestBytes largest request body accepted, in bytes (Kinesis: PutRecords carries at
 *     most 5 MiB of data, which is about 6.7 MiB once base64-encoded in JSON); larger requests get
 *     HTTP 413
 * @param region the region named in stream ARNs
 * @param accountId the 12-digit account id named in stream ARNs and error messages
 * @param shardLimit most open shards across all streams (Kinesis: the account's shard quota); a
 *     creation or resharding beyond it gets LimitExceededException
 */
public record KinesisSettings(
    String bindHost,
    int port,
    int maxRequestBytes,
    String region,
    String accountId,
    int shardLimit) {

  /** The default region and account of local emulators ({@code us-east-1}, 000000000000). */
  public static final String DEFAULT_REGION = "us-east-1";

  public static final String DEFAULT_ACCOUNT = "000000000000";

  public KinesisSettings {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("maxRequestBytes too small: " + maxRequestBytes);
    }
    if (accountId == null || !accountId.matches("\\d{12}")) {
      throw new IllegalArgumentException("accountId must be 12 digits: " + accountId);
    }
    if (shardLimit < 1) {
      throw new IllegalArgumentException("shardLimit must be positive: " + shardLimit);
    }
  }

  /** Kinesis's defaults on the given address: 8 MiB requests, us-east-1, 1,000 shards. */
  public static KinesisSettings defaults(String bindHost, int port) {
    return new KinesisSettings(
        bindHost, port, 8 * 1024 * 1024, DEFAULT_REGION, DEFAULT_ACCOUNT, 1000);
  }
}
