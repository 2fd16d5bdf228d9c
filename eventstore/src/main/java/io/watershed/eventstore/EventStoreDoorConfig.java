package io.watershed.eventstore;

import java.nio.file.Path;

/**
 * How the event-store door listens.
 *
 * @param bindHost the address to listen on
 * @param port the port (0: any free one)
 * @param advertisedHost the host clients are told to use (gossip)
 * @param tls whether the port speaks TLS (the clients' default) or plaintext ({@code tls=false})
 * @param certFile the server certificate (PEM), or null to use a self-signed one kept in {@code
 *     tlsDir}
 * @param keyFile the certificate's private key (PKCS#8 PEM), or null with {@code certFile}
 * @param tlsDir where a self-signed certificate is made and kept
 * @param maxAppendBytes the most bytes one append may carry; requests are limited to this plus
 *     framing
 * @param serverVersion the KurrentDB version whose API this door implements, as reported to clients
 */
public record EventStoreDoorConfig(
    String bindHost,
    int port,
    String advertisedHost,
    boolean tls,
    Path certFile,
    Path keyFile,
    Path tlsDir,
    int maxAppendBytes,
    String serverVersion) {
  /** The KurrentDB release whose gRPC API (v1 services) the door serves. */
  public static final String SERVER_VERSION = "24.10.0";

  public EventStoreDoorConfig {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException(
          "a TLS certificate needs its key, and a key its certificate");
    }
    if (maxAppendBytes <= 0) {
      throw new IllegalArgumentException("maxAppendBytes must be positive");
    }
  }

  /** Plaintext on {@code port} of {@code host}, KurrentDB's 1 MiB append limit. */
  public static EventStoreDoorConfig plaintext(String host, int port, Path tlsDir) {
    return new EventStoreDoorConfig(
        host, port, host, false, null, null, tlsDir, 1 << 20, SERVER_VERSION);
  }

  /**
   * The largest gRPC message the door takes: one append's events plus the framing of up to one
   * message per event (ids, metadata keys), with room to spare.
   */
  int maxInboundMessageBytes() {
    return maxAppendBytes + (1 << 20);
  }
}
