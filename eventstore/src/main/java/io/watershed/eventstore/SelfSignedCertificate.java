package io.watershed.eventstore;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed server certificate for the event-store door's TLS, made on the first start that
 * asks for TLS without a certificate of its own, and kept in the data directory so that clients can
 * trust it once ({@code tlsCaFile=<dir>/cert.pem}) or skip verification ({@code
 * tlsVerifyCert=false}).
 *
 * <p>Files: {@code cert.pem} (X.509, PEM) and {@code key.pem} (the RSA-2048 private key, PKCS#8
 * PEM, readable by the owner only). Each is written to a temporary file and renamed, so a crash
 * leaves either both old files, or a complete new one.
 */
final class SelfSignedCertificate {
  static final String CERT = "cert.pem";
  static final String KEY = "key.pem";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  private SelfSignedCertificate() {}

  /**
   * The certificate and key in {@code dir}, made when missing, for {@code hosts} (DNS names or IP
   * literals) plus {@code localhost} and the loopback addresses.
   *
   * @return the certificate and key files
   */
  static Path[] ensure(Path dir, List<String> hosts) throws IOException {
    Path cert = dir.resolve(CERT);
    Path key = dir.resolve(KEY);
    if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
      return new Path[] {cert, key};
    }
    Files.createDirectories(dir);
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048, new SecureRandom());
      KeyPair pair = g.generateKeyPair();
      X509Certificate c = certificate(pair, hosts);
      write(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
      write(cert, pem(c), false);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
    return new Path[] {cert, key};
  }

  private static X509Certificate certificate(KeyPair pair, List<String> hosts)
      throws GeneralSecurityException, OperatorCreationException, IOException {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    names.addAll(hosts);
    List<GeneralName> san = new ArrayList<>();
    for (String n : names) {
      san.add(
          isIpLiteral(n)
              ? new GeneralName(GeneralName.iPAddress, InetAddress.getByName(n).getHostAddress())
              : new GeneralName(GeneralName.dNSName, n));
    }
    X500Name subject = new X500Name("CN=watershed");
    Instant now = Instant.now();
    X509v3CertificateBuilder b =
        new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(64, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            pair.getPublic());
    b.addExtension(
        Extension.subjectAlternativeName, false, new GeneralNames(san.toArray(GeneralName[]::new)));
    b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
    return new JcaX509CertificateConverter()
        .getCertificate(
            b.build(new JcaContentSignerBuilder("SHA256withRSA").build(pair.getPrivate())));
  }

  private static boolean isIpLiteral(String n) {
    return n.indexOf(':') >= 0 || n.matches("\\d{1,3}(\\.\\d{1,3}){3}");
  }

  private static String pem(Object o) throws IOException {
    StringWriter s = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(s)) {
      w.writeObject(o);
    }
    return s.toString();
  }

  private static void write(Path file, String content, boolean secret) throws IOException {
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException notPosix) {
          // The file system has no POSIX permissions; the data directory's protect the key.
        }
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
