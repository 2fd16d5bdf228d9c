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
 * @param onDemandStreamLimit most on-demand streams (Kinesis: 50 per account)
 * @param iteratorLifetimeMs how long a shard iterator or NextToken stays valid (Kinesis: five
 *     minutes); older ones get ExpiredIteratorException / ExpiredNextTokenException
 * @param subscriptionLifetimeMs how long one SubscribeToShard event stream lasts before the server
 *     ends it (Kinesis: five minutes)
 * @param accessKeyId with {@code secretAccessKey}, the only credentials accepted: SigV4 signatures
 *     are then verified; null accepts any request unchecked (the default, like local emulators)
 * @param secretAccessKey the secret of {@code accessKeyId}, or null
 * @param emulateLimits whether to answer ProvisionedThroughputExceededException beyond Kinesis's
 *     per-shard limits (1 MiB/s or 1,000 records/s in, 2 MiB/s or five GetRecords calls/s out), so
 *     that clients can test their back-off; off by default
 */
public record KinesisConfig(
    String bindHost,
    int port,
    int maxRequestBytes,
    String region,
    String accountId,
    int shardLimit,
    int onDemandStreamLimit,
    long iteratorLifetimeMs,
    long subscriptionLifetimeMs,
    String accessKeyId,
    String secretAccessKey,
    boolean emulateLimits,
    KinesisTls tls) {

  /** The default region and account of local emulators ({@code us-east-1}, 000000000000). */
  public static final String DEFAULT_REGION = "us-east-1";

  public static final String DEFAULT_ACCOUNT = "000000000000";

  /** Kinesis's five minutes, for iterators, NextTokens and subscriptions. */
  public static final long FIVE_MINUTES_MS = 300_000;

  /** Settings without a TLS listener. */
  public KinesisConfig(
      String bindHost,
      int port,
      int maxRequestBytes,
      String region,
      String accountId,
      int shardLimit,
      int onDemandStreamLimit,
      long iteratorLifetimeMs,
      long subscriptionLifetimeMs,
      String accessKeyId,
      String secretAccessKey,
      boolean emulateLimits) {
    this(
        bindHost,
        port,
        maxRequestBytes,
        region,
        accountId,
        shardLimit,
        onDemandStreamLimit,
        iteratorLifetimeMs,
        subscriptionLifetimeMs,
        accessKeyId,
        secretAccessKey,
        emulateLimits,
        null);
  }

  public KinesisConfig {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port out of range: " + port);
    }
    if (maxRequestBytes < 1024) {
      throw new IllegalArgumentException("maxRequestBytes too small: " + maxRequestBytes);
    }
    if (region == null || !region.matches("[a-z0-9-]{1,64}")) {
      throw new IllegalArgumentException("region must be like us-east-1: " + region);
    }
    if (accountId == null || !accountId.matches("\\d{12}")) {
      throw new IllegalArgumentException("accountId must be 12 digits: " + accountId);
    }
    if (shardLimit < 1 || onDemandStreamLimit < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
    if (iteratorLifetimeMs < 1 || subscriptionLifetimeMs < 1) {
      throw new IllegalArgumentException("lifetimes must be positive");
    }
    if ((accessKeyId == null) != (secretAccessKey == null)) {
      throw new IllegalArgumentException("give both the access key id and the secret, or neither");
    }
  }

  /**
   * Kinesis's defaults on the given address: 8 MiB requests, us-east-1, 1,000 shards, 50 on-demand
   * streams, five-minute iterators and subscriptions, no signature check, no throughput limits.
   */
  public static KinesisConfig defaults(String bindHost, int port) {
    return new KinesisConfig(
        bindHost,
        port,
        8 * 1024 * 1024,
        DEFAULT_REGION,
        DEFAULT_ACCOUNT,
        1000,
        50,
        FIVE_MINUTES_MS,
        FIVE_MINUTES_MS,
        null,
        null,
        false);
  }

  /** Whether SigV4 signatures are verified. */
  public boolean verifiesSignatures() {
    return accessKeyId != null;
  }

  public KinesisConfig withCredentials(String keyId, String secret) {
    return new KinesisConfig(
        bindHost,
        port,
        maxRequestBytes,
        region,
        accountId,
        shardLimit,
        onDemandStreamLimit,
        iteratorLifetimeMs,
        subscriptionLifetimeMs,
        keyId,
        secret,
        emulateLimits,
        tls);
  }

  public KinesisConfig withEmulateLimits(boolean on) {
    return new KinesisConfig(
        bindHost,
        port,
        maxRequestBytes,
        region,
        accountId,
        shardLimit,
        onDemandStreamLimit,
        iteratorLifetimeMs,
        subscriptionLifetimeMs,
        accessKeyId,
        secretAccessKey,
        on,
        tls);
  }

  /** These settings with a TLS listener ({@code null}: none). */
  public KinesisConfig withTls(KinesisTls listener) {
    return new KinesisConfig(
        bindHost,
        port,
        maxRequestBytes,
        region,
        accountId,
        shardLimit,
        onDemandStreamLimit,
        iteratorLifetimeMs,
        subscriptionLifetimeMs,
        accessKeyId,
        secretAccessKey,
        emulateLimits,
        listener);
  }
}
