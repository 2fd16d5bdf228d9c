package io.watershed.kinesis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.Protocol;
import software.amazon.awssdk.http.ProtocolNegotiation;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardEvent;
import software.amazon.awssdk.services.kinesis.model.SubscribeToShardResponseHandler;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.model.GetCallerIdentityResponse;

/**
 * The TLS listener with the self-signed certificate made on first start, trusted by the real SDK
 * clients (HTTP/1.1 sync, HTTP/2 async with and without ALPN); STS GetCallerIdentity on both ports;
 * CORS for browser SDKs.
 */
class TlsStsCorsTest {
  @TempDir Path dir;

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDTEST", "secret"));

  private KinesisTestServer tlsServer() throws Exception {
    return new KinesisTestServer(
        dir,
        KinesisConfig.defaults("127.0.0.1", 0)
            .withTls(KinesisTls.selfSigned(0, dir.resolve("tls"), List.of())));
  }

  /** Trust managers that trust exactly the certificate in {@code pem}. */
  static TrustManager[] trusting(Path pem) throws Exception {
    KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
    store.load(null, null);
    try (InputStream in = Files.newInputStream(pem)) {
      store.setCertificateEntry(
          "watershed", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory f =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    f.init(store);
    return f.getTrustManagers();
  }

  @Test
  void sdkClientsWorkOverTlsWithTheSelfSignedCertificate() throws Exception {
    try (KinesisTestServer server = tlsServer()) {
      Path cert = dir.resolve("tls").resolve("cert.pem");
      assertThat(cert).exists();
      assertThat(Files.readString(dir.resolve("tls").resolve("key.pem")))
          .startsWith("-----BEGIN PRIVATE KEY-----");
      TrustManager[] trust = trusting(cert);
      URI https = URI.create("https://localhost:" + server.door().tlsPort());
      try (KinesisClient sync =
          KinesisClient.builder()
              .endpointOverride(https)
              .region(Region.US_EAST_1)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trust))
              .build()) {
        sync.createStream(b -> b.streamName("secure").shardCount(1));
        sync.putRecord(
            b ->
                b.streamName("secure").partitionKey("k").data(SdkBytes.fromUtf8String("over tls")));
        String iterator =
            sync.getShardIterator(
                    b ->
                        b.streamName("secure")
                            .shardId("shardId-000000000000")
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .shardIterator();
        assertThat(sync.getRecords(b -> b.shardIterator(iterator)).records())
            .extracting(r -> r.data().asUtf8String())
            .containsExactly("over tls");
      }

      for (ProtocolNegotiation negotiation : ProtocolNegotiation.values()) {
        try (KinesisAsyncClient async =
            KinesisAsyncClient.builder()
                .endpointOverride(https)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(
                    NettyNioAsyncHttpClient.builder()
                        .protocol(Protocol.HTTP2)
                        .protocolNegotiation(negotiation)
                        .tlsTrustManagersProvider(() -> trust))
                .build()) {
          assertThat(async.listStreams().get(20, TimeUnit.SECONDS).streamNames())
              .as(negotiation.toString())
              .containsExactly("secure");
          // SubscribeToShard needs HTTP/2: its events prove the connection speaks it.
          String stream =
              async
                  .describeStreamSummary(b -> b.streamName("secure"))
                  .get()
                  .streamDescriptionSummary()
                  .streamARN();
          String consumer =
              async
                  .registerStreamConsumer(
                      b -> b.streamARN(stream).consumerName("app-" + negotiation))
                  .get()
                  .consumer()
                  .consumerARN();
          List<SubscribeToShardEvent> events = new CopyOnWriteArrayList<>();
          var subscription =
              async.subscribeToShard(
                  b ->
                      b.consumerARN(consumer)
                          .shardId("shardId-000000000000")
                          .startingPosition(p -> p.type(ShardIteratorType.TRIM_HORIZON)),
                  SubscribeToShardResponseHandler.builder()
                      .subscriber(
                          SubscribeToShardResponseHandler.Visitor.builder()
                              .onSubscribeToShardEvent(events::add)
                              .build())
                      .build());
          long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
          while (events.stream().allMatch(e -> e.records().isEmpty())
              && System.nanoTime() < deadline) {
            Thread.sleep(20);
          }
          assertThat(events.stream().flatMap(e -> e.records().stream()))
              .extracting(r -> r.data().asUtf8String())
              .containsExactly("over tls");
          subscription.cancel(true);
        }
      }
    }
  }

  @Test
  void stsGetCallerIdentityNamesTheDoorsAccountOnBothPorts() throws Exception {
    KinesisConfig config =
        new KinesisConfig(
                "127.0.0.1",
                0,
                8 * 1024 * 1024,
                "eu-west-1",
                "123456789012",
                1000,
                50,
                KinesisConfig.FIVE_MINUTES_MS,
                KinesisConfig.FIVE_MINUTES_MS,
                null,
                null,
                false)
            .withTls(KinesisTls.selfSigned(0, dir.resolve("tls"), List.of()));
    try (KinesisTestServer server = new KinesisTestServer(dir, config)) {
      TrustManager[] trust = trusting(dir.resolve("tls").resolve("cert.pem"));
      for (URI endpoint :
          List.of(server.endpoint(), URI.create("https://127.0.0.1:" + server.door().tlsPort()))) {
        try (StsClient sts =
            StsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.EU_WEST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trust))
                .build()) {
          GetCallerIdentityResponse me = sts.getCallerIdentity();
          assertThat(me.account()).isEqualTo("123456789012");
          assertThat(me.arn()).isEqualTo("arn:aws:iam::123456789012:root");
          assertThat(me.userId()).isEqualTo("123456789012");
        }
      }
      try (KinesisClient kinesis =
          KinesisClient.builder()
              .endpointOverride(server.endpoint())
              .region(Region.EU_WEST_1)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(ApacheHttpClient.builder())
              .build()) {
        kinesis.createStream(b -> b.streamName("mine").shardCount(1));
        assertThat(
                kinesis
                    .describeStreamSummary(b -> b.streamName("mine"))
                    .streamDescriptionSummary()
                    .streamARN())
            .isEqualTo("arn:aws:kinesis:eu-west-1:123456789012:stream/mine");
      }

      // Other STS actions get STS's own error, in XML.
      try (HttpClient http = HttpClient.newHttpClient()) {
        HttpResponse<String> r =
            http.send(
                HttpRequest.newBuilder(server.endpoint())
                    .header("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
                    .POST(
                        HttpRequest.BodyPublishers.ofString("Action=AssumeRole&Version=2011-06-15"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body())
            .contains("<Code>InvalidAction</Code>")
            .contains("Could not find operation AssumeRole for version 2011-06-15");
      }
    }
  }

  @Test
  void browsersGetCorsPreflightsAndHeaders() throws Exception {
    try (KinesisTestServer server = new KinesisTestServer(dir);
        HttpClient http = HttpClient.newHttpClient()) {
      HttpResponse<String> preflight =
          http.send(
              HttpRequest.newBuilder(server.endpoint())
                  .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                  .header("Origin", "http://app.example.com")
                  .header("Access-Control-Request-Method", "POST")
                  .header(
                      "Access-Control-Request-Headers",
                      "authorization,content-type,x-amz-content-sha256,x-amz-date,x-amz-target,"
                          + "x-amz-user-agent,amz-sdk-invocation-id,amz-sdk-request,x-evil")
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(preflight.statusCode()).isEqualTo(200);
      var h = preflight.headers();
      assertThat(h.firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(h.firstValue("Access-Control-Allow-Methods").orElseThrow()).contains("POST");
      assertThat(h.firstValue("Access-Control-Allow-Headers").orElseThrow().split(","))
          .containsExactly(
              "authorization",
              "content-type",
              "x-amz-content-sha256",
              "x-amz-date",
              "x-amz-target",
              "x-amz-user-agent",
              "amz-sdk-invocation-id",
              "amz-sdk-request");
      assertThat(h.firstValue("Access-Control-Max-Age")).hasValue("172800");

      HttpResponse<String> call =
          http.send(
              HttpRequest.newBuilder(server.endpoint())
                  .header("Origin", "http://app.example.com")
                  .header("Content-Type", "application/x-amz-json-1.1")
                  .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(call.statusCode()).isEqualTo(200);
      assertThat(call.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
      assertThat(call.headers().firstValue("Access-Control-Expose-Headers").orElseThrow())
          .contains("x-amzn-RequestId", "x-amzn-ErrorType", "x-amz-id-2");

      HttpResponse<String> failed =
          http.send(
              HttpRequest.newBuilder(server.endpoint())
                  .header("Origin", "http://app.example.com")
                  .header("Content-Type", "application/x-amz-json-1.1")
                  .header("X-Amz-Target", "Kinesis_20131202.DescribeStream")
                  .POST(HttpRequest.BodyPublishers.ofString("{\"StreamName\":\"nope\"}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(failed.statusCode()).isEqualTo(400);
      assertThat(failed.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");

      HttpResponse<String> noOrigin =
          http.send(
              HttpRequest.newBuilder(server.endpoint())
                  .header("Content-Type", "application/x-amz-json-1.1")
                  .header("X-Amz-Target", "Kinesis_20131202.ListStreams")
                  .POST(HttpRequest.BodyPublishers.ofString("{}"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(noOrigin.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    }
  }
}
