package io.watershed.core.tls;

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
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaMiscPEMGenerator;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObjectGenerator;

/**
 * The self-signed certificate of a TLS listener when none is configured (the event-store door's,
 * the Kinesis door's): made on the first start, kept in {@code cert.pem} (X.509) and {@code
 * key.pem} (PKCS#8, readable by the owner only) so that clients can trust it once (a CA file, a JVM
 * trust store, {@code AWS_CA_BUNDLE}) or skip verification. An EC P-256 key, which every TLS 1.2
 * and 1.3 client accepts, valid ten years, for {@code localhost}, 127.0.0.1, ::1 and the configured
 * hosts. Each file is written whole to a temporary file and renamed; the key first, so a crash
 * between the two leaves no certificate, and the next start makes a new pair.
 */
public final class SelfSignedCertificate {
  public static final String CERT = "cert.pem";
  public static final String KEY = "key.pem";
  private static final Duration VALIDITY = Duration.ofDays(3650);

  /** Where a certificate and its private key are, as PEM files. */
  public record CertificateFiles(Path certificate, Path key) {}

  private SelfSignedCertificate() {}

  /**
   * The certificate and key files in {@code dir}, made first when either is missing.
   *
   * @param commonName the subject's common name ({@code Watershed Kinesis})
   * @param hosts DNS names or IP literals the certificate is for, besides the loopback ones
   */
  public static CertificateFiles ensure(Path dir, String commonName, List<String> hosts)
      throws IOException {
    Path cert = dir.resolve(CERT);
    Path key = dir.resolve(KEY);
    if (Files.isRegularFile(cert) && Files.isRegularFile(key)) {
      return new CertificateFiles(cert, key);
    }
    Files.createDirectories(dir);
    try {
      KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
      generator.initialize(new ECGenParameterSpec("secp256r1"), new SecureRandom());
      KeyPair pair = generator.generateKeyPair();
      String certificate = pem(new JcaMiscPEMGenerator(certificate(pair, commonName, hosts)));
      replace(key, pem(new JcaPKCS8Generator(pair.getPrivate(), null)), true);
      replace(cert, certificate, false);
    } catch (GeneralSecurityException | OperatorCreationException e) {
      throw new IOException("cannot make a self-signed certificate: " + e.getMessage(), e);
    }
    return new CertificateFiles(cert, key);
  }

  private static X509CertificateHolder certificate(
      KeyPair pair, String commonName, List<String> hosts)
      throws OperatorCreationException, IOException {
    Set<String> names = new LinkedHashSet<>(List.of("localhost", "127.0.0.1", "::1"));
    names.addAll(hosts);
    GeneralName[] alternatives =
        names.stream()
            .filter(n -> !n.isBlank() && !n.equals("0.0.0.0") && !n.equals("::"))
            .map(SelfSignedCertificate::generalName)
            .toArray(GeneralName[]::new);
    X500Name subject = new X500Name("CN=" + commonName);
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(
            subject,
            new BigInteger(96, new SecureRandom()),
            Date.from(now.minus(Duration.ofDays(1))),
            Date.from(now.plus(VALIDITY)),
            subject,
            pair.getPublic())
        .addExtension(Extension.subjectAlternativeName, false, new GeneralNames(alternatives))
        .addExtension(Extension.basicConstraints, true, new BasicConstraints(false))
        .addExtension(
            Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth))
        .build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate()));
  }

  /** An IP address entry for an address literal, else a DNS name. */
  private static GeneralName generalName(String host) {
    boolean literal = host.indexOf(':') >= 0 || host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}");
    if (literal) {
      try {
        // A literal is parsed, never looked up.
        return new GeneralName(GeneralName.iPAddress, InetAddress.getByName(host).getHostAddress());
      } catch (IOException e) {
        throw new IllegalArgumentException("not an IP address: " + host, e);
      }
    }
    return new GeneralName(GeneralName.dNSName, host);
  }

  private static String pem(PemObjectGenerator generator) throws IOException {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter w = new JcaPEMWriter(out)) {
      w.writeObject(generator);
    }
    return out.toString();
  }

  private static void replace(Path file, String content, boolean secret) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createFile(tmp);
    try {
      if (secret) {
        try {
          Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException noPosix) {
          // No POSIX permissions here: the data directory's own protection covers the key.
        }
      }
      Files.writeString(tmp, content, StandardCharsets.US_ASCII);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
