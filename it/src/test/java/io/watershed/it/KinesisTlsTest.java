package io.watershed.it;

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
import java.util.concurrent.TimeUnit;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.kinesis.KinesisAsyncClient;
import software.amazon.awssdk.services.kinesis.KinesisClient;
import software.amazon.awssdk.services.kinesis.model.ShardIteratorType;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The server with {@code kinesis.tls.port} set: a self-signed certificate appears in {@code
 * <data.dir>/kinesis/tls/cert.pem}; the SDK's sync (HTTP/1.1) and async (HTTP/2) clients that trust
 * it work over HTTPS, STS GetCallerIdentity answers on both ports with the account stream ARNs
 * name, and a browser's CORS preflight is answered.
 */
class KinesisTlsTest {
  @TempDir Path dir;

  private static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(
          AwsBasicCredentials.create(KinesisClients.KEY_ID, KinesisClients.SECRET));

  private static int tlsPort(WatershedProcess server) throws Exception {
    Path portsFile =
        server.dataDir().resolveSibling(server.dataDir().getFileName() + "-ports.json");
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(portsFile.toFile())
        .get("kinesis-tls")
        .asInt();
  }

  private static TrustManager[] trusting(Path pem) throws Exception {
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
  void clientsWorkOverTlsAndStsAndCorsAreAnswered() throws Exception {
    Path data = dir.resolve("data");
    try (WatershedProcess server =
        new WatershedProcess(
                data, "--set", "kinesis.tls.port=0", "--set", "kinesis.account.id=210987654321")
            .start()) {
      TrustManager[] trust = trusting(data.resolve("kinesis/tls/cert.pem"));
      URI https = URI.create("https://localhost:" + tlsPort(server));
      URI http = URI.create("http://127.0.0.1:" + KinesisClients.port(server));

      try (KinesisClient sync =
          KinesisClient.builder()
              .endpointOverride(https)
              .region(Region.US_EAST_1)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trust))
              .build()) {
        sync.createStream(b -> b.streamName("tls").shardCount(1));
        sync.putRecord(
            b -> b.streamName("tls").partitionKey("k").data(SdkBytes.fromUtf8String("sync")));
      }
      try (KinesisAsyncClient async =
          KinesisAsyncClient.builder()
              .endpointOverride(https)
              .region(Region.US_EAST_1)
              .credentialsProvider(CREDENTIALS)
              .httpClientBuilder(
                  NettyNioAsyncHttpClient.builder().tlsTrustManagersProvider(() -> trust))
              .build()) {
        async
            .putRecord(
                b -> b.streamName("tls").partitionKey("k").data(SdkBytes.fromUtf8String("async")))
            .get(20, TimeUnit.SECONDS);
        String iterator =
            async
                .getShardIterator(
                    b ->
                        b.streamName("tls")
                            .shardId("shardId-000000000000")
                            .shardIteratorType(ShardIteratorType.TRIM_HORIZON))
                .get(20, TimeUnit.SECONDS)
                .shardIterator();
        assertThat(
                async
                    .getRecords(b -> b.shardIterator(iterator))
                    .get(20, TimeUnit.SECONDS)
                    .records())
            .extracting(r -> r.data().asUtf8String())
            .containsExactly("sync", "async");
      }

      for (URI endpoint : new URI[] {https, http}) {
        try (StsClient sts =
            StsClient.builder()
                .endpointOverride(endpoint)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .httpClientBuilder(ApacheHttpClient.builder().tlsTrustManagersProvider(() -> trust))
                .build()) {
          var me = sts.getCallerIdentity();
          assertThat(me.account()).isEqualTo("210987654321");
          assertThat(me.arn()).isEqualTo("arn:aws:iam::210987654321:root");
        }
      }

      try (HttpClient browser = HttpClient.newHttpClient()) {
        HttpResponse<String> preflight =
            browser.send(
                HttpRequest.newBuilder(http)
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                    .header("Origin", "http://localhost:3000")
                    .header("Access-Control-Request-Method", "POST")
                    .header(
                        "Access-Control-Request-Headers",
                        "authorization,content-type,x-amz-date,x-amz-target,amz-sdk-request")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(preflight.statusCode()).isEqualTo(200);
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
        assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
            .hasValue("authorization,content-type,x-amz-date,x-amz-target,amz-sdk-request");
      }
    }
  }
}
