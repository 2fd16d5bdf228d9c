package io.watershed.kinesis;

import java.nio.file.Path;
import java.util.List;

/**
 * The Kinesis door's optional TLS listener, beside its plaintext one: HTTPS with HTTP/1.1 or HTTP/2
 * (chosen by ALPN, or HTTP/2 with prior knowledge, as the SDK's async client sends it without
 * ALPN), for clients that only speak HTTPS, such as the Kinesis Producer Library.
 *
 * @param port port to listen on; 0 picks a free one
 * @param certFile the server certificate (chain), PEM; null to use a self-signed one
 * @param keyFile its private key, PKCS#8 PEM; null exactly when {@code certFile} is
 * @param selfSignedDir where the self-signed certificate is made on the first start without {@code
 *     certFile} and kept ({@code cert.pem}, {@code key.pem}), so that clients trust it once
 * @param hosts the names and addresses the self-signed certificate is for, beside {@code
 *     localhost}, 127.0.0.1 and ::1
 */
public record KinesisTls(
    int port, Path certFile, Path keyFile, Path selfSignedDir, List<String> hosts) {
  public KinesisTls {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("TLS port out of range: " + port);
    }
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("give both the certificate and the key file, or neither");
    }
    if (certFile == null && selfSignedDir == null) {
      throw new IllegalArgumentException("a self-signed certificate needs a directory");
    }
    hosts = List.copyOf(hosts);
  }

  /** A listener on {@code port} with a self-signed certificate kept in {@code dir}. */
  public static KinesisTls selfSigned(int port, Path dir, List<String> hosts) {
    return new KinesisTls(port, null, null, dir, hosts);
  }
}
