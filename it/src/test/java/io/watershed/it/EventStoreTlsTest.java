package io.watershed.it;

import static io.watershed.it.EventStoreClients.event;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kurrent.dbclient.KurrentDBClient;
import io.kurrent.dbclient.ReadStreamOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event-store door with TLS, as KurrentDB clients expect by default: a self-signed certificate
 * is made on the first start and kept; clients that trust it ({@code tlsCaFile}) or skip
 * verification connect, and the same certificate serves after a restart.
 */
class EventStoreTlsTest {
  @Test
  void selfSignedCertificateServesTlsClients(@TempDir Path dir) throws Exception {
    Path data = dir.resolve("data");
    try (WatershedProcess server =
        new WatershedProcess(data, "--set", "eventstore.tls=true").start()) {
      Path cert = data.resolve("eventstore").resolve("tls").resolve("cert.pem");
      assertThat(cert).exists();
      String certPem = Files.readString(cert);
      int port = server.eventStorePort();
      for (String options : List.of("tls=true&tlsVerifyCert=false", "tlsCaFile=" + cert)) {
        KurrentDBClient c = EventStoreClients.client("esdb://localhost:" + port + "?" + options);
        try {
          c.appendToStream("secure-" + options.length(), event("Hello", "{}"))
              .get(30, TimeUnit.SECONDS);
          assertThat(
                  c.readStream("secure-" + options.length(), ReadStreamOptions.get())
                      .get()
                      .getEvents())
              .hasSize(1);
        } finally {
          EventStoreClients.close(c);
        }
      }
      KurrentDBClient plain =
          EventStoreClients.client("esdb://localhost:" + port + "?tls=false&defaultDeadline=3000");
      try {
        assertThatThrownBy(
                () -> plain.appendToStream("x", event("X", "{}")).get(20, TimeUnit.SECONDS))
            .isNotNull();
      } finally {
        EventStoreClients.close(plain);
      }
      server.stop();
      server.start();
      assertThat(Files.readString(cert)).as("the certificate is kept").isEqualTo(certPem);
    }
  }
}
