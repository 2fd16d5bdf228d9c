package io.watershed.server.config;

import io.watershed.kinesis.KinesisConfig;
import io.watershed.kinesis.KinesisTls;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The Kinesis front door's settings, under the {@code kinesis.} prefix:
 *
 * <ul>
 *   <li>{@code kinesis.region} (us-east-1), {@code kinesis.account.id} (000000000000): what stream
 *       ARNs name;
 *   <li>{@code kinesis.shard.limit} (1000), {@code kinesis.on.demand.stream.limit} (50): the
 *       account quotas;
 *   <li>{@code kinesis.max.request.bytes} (8388608);
 *   <li>{@code kinesis.iterator.lifetime.ms} (300000), {@code kinesis.subscription.lifetime.ms}
 *       (300000): Kinesis's five minutes, shorter for tests;
 *   <li>{@code kinesis.access.key.id} and {@code kinesis.secret.access.key} (unset): when both are
 *       set, SigV4 signatures are verified against them;
 *   <li>{@code kinesis.emulate.limits} (false): answer ProvisionedThroughputExceededException
 *       beyond Kinesis's per-shard throughput;
 *   <li>{@code kinesis.tls.port} (unset: no TLS listener; 0 picks a free port): a second listener
 *       speaking HTTPS (HTTP/1.1 and HTTP/2), for clients that need it, such as the KPL;
 *   <li>{@code kinesis.tls.cert.file}, {@code kinesis.tls.key.file} (none): its certificate and
 *       PKCS#8 key, PEM; without them a self-signed pair is made on first start and kept in {@code
 *       <data.dir>/kinesis/tls/}.
 * </ul>
 */
public final class KinesisSettings {
  static final String REGION = "kinesis.region";
  static final String ACCOUNT_ID = "kinesis.account.id";
  static final String SHARD_LIMIT = "kinesis.shard.limit";
  static final String ON_DEMAND_STREAM_LIMIT = "kinesis.on.demand.stream.limit";
  static final String MAX_REQUEST_BYTES = "kinesis.max.request.bytes";
  static final String ITERATOR_LIFETIME = "kinesis.iterator.lifetime.ms";
  static final String SUBSCRIPTION_LIFETIME = "kinesis.subscription.lifetime.ms";
  static final String ACCESS_KEY_ID = "kinesis.access.key.id";
  static final String SECRET_ACCESS_KEY = "kinesis.secret.access.key";
  static final String EMULATE_LIMITS = "kinesis.emulate.limits";
  static final String TLS_PORT = "kinesis.tls.port";
  static final String TLS_CERT_FILE = "kinesis.tls.cert.file";
  static final String TLS_KEY_FILE = "kinesis.tls.key.file";

  private static final List<String> KEYS =
      List.of(
          REGION,
          ACCOUNT_ID,
          SHARD_LIMIT,
          ON_DEMAND_STREAM_LIMIT,
          MAX_REQUEST_BYTES,
          ITERATOR_LIFETIME,
          SUBSCRIPTION_LIFETIME,
          ACCESS_KEY_ID,
          SECRET_ACCESS_KEY,
          EMULATE_LIMITS,
          TLS_PORT,
          TLS_CERT_FILE,
          TLS_KEY_FILE);

  private KinesisSettings() {}

  public static boolean isKnown(String key) {
    return KEYS.contains(key);
  }

  /** Validates the values, so that a bad one stops start-up with exit code 2. */
  static void check(Map<String, String> settings) throws ConfigException {
    build(settings, "localhost", 4567, "localhost", Path.of("."));
  }

  /**
   * The front door's configuration for the server's address and port, its advertised host (which a
   * self-signed TLS certificate names) and the data directory (which keeps that certificate).
   */
  public static KinesisConfig build(
      Map<String, String> settings, String bindHost, int port, String advertisedHost, Path dataDir)
      throws ConfigException {
    KinesisConfig d = KinesisConfig.defaults(bindHost, port);
    String region = settings.getOrDefault(REGION, d.region());
    if (!region.matches("[a-z0-9-]{1,64}")) {
      throw new ConfigException("invalid " + REGION + " '" + region + "': expected like us-east-1");
    }
    String account = settings.getOrDefault(ACCOUNT_ID, d.accountId());
    if (!account.matches("\\d{12}")) {
      throw new ConfigException("invalid " + ACCOUNT_ID + " '" + account + "': expected 12 digits");
    }
    String keyId = settings.get(ACCESS_KEY_ID);
    String secret = settings.get(SECRET_ACCESS_KEY);
    if ((keyId == null) != (secret == null)) {
      throw new ConfigException(
          "set both " + ACCESS_KEY_ID + " and " + SECRET_ACCESS_KEY + ", or neither");
    }
    return new KinesisConfig(
        bindHost,
        port,
        SettingValues.intValue(
            settings, MAX_REQUEST_BYTES, d.maxRequestBytes(), 1024, Integer.MAX_VALUE - 1024),
        region,
        account,
        SettingValues.intValue(settings, SHARD_LIMIT, d.shardLimit(), 1, 1_000_000),
        SettingValues.intValue(
            settings, ON_DEMAND_STREAM_LIMIT, d.onDemandStreamLimit(), 1, 1_000_000),
        SettingValues.intValue(
            settings, ITERATOR_LIFETIME, (int) d.iteratorLifetimeMs(), 1, Integer.MAX_VALUE),
        SettingValues.intValue(
            settings,
            SUBSCRIPTION_LIFETIME,
            (int) d.subscriptionLifetimeMs(),
            1,
            Integer.MAX_VALUE),
        keyId,
        secret,
        SettingValues.boolValue(settings, EMULATE_LIMITS, d.emulateLimits()),
        tls(settings, bindHost, advertisedHost, dataDir));
  }

  private static KinesisTls tls(
      Map<String, String> settings, String bindHost, String advertisedHost, Path dataDir)
      throws ConfigException {
    String cert = settings.get(TLS_CERT_FILE);
    String key = settings.get(TLS_KEY_FILE);
    if ((cert == null) != (key == null)) {
      throw new ConfigException(
          TLS_CERT_FILE + " and " + TLS_KEY_FILE + " go together: give both or neither");
    }
    if (!settings.containsKey(TLS_PORT)) {
      if (cert != null) {
        throw new ConfigException(
            TLS_CERT_FILE + " needs " + TLS_PORT + ", the TLS listener's port");
      }
      return null;
    }
    int port = SettingValues.intValue(settings, TLS_PORT, 0, 0, 65535);
    return new KinesisTls(
        port,
        cert == null ? null : Path.of(cert.strip()),
        key == null ? null : Path.of(key.strip()),
        dataDir.resolve("kinesis").resolve("tls"),
        List.of(bindHost, advertisedHost));
  }
}
