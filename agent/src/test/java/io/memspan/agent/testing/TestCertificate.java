package io.memspan.agent.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;

/**
 * A self-signed certificate for {@code localhost} (and 127.0.0.1), made with the JDK's keytool:
 * the server side uses {@link #keyManagers()}, the client trusts {@link #pem()}.
 */
public final class TestCertificate {
  private static final String PASSWORD = "memspan-test";
  private final Path keyStore;
  private final Path pem;

  private TestCertificate(Path keyStore, Path pem) {
    this.keyStore = keyStore;
    this.pem = pem;
  }

  public static TestCertificate create(Path dir) throws IOException, InterruptedException {
    Path ks = dir.resolve("server.p12");
    Path pem = dir.resolve("server.pem");
    String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
    run(keytool, "-genkeypair", "-alias", "otlp", "-keyalg", "EC", "-groupname", "secp256r1",
        "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1", "-validity", "2",
        "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD,
        "-keypass", PASSWORD);
    run(keytool, "-exportcert", "-rfc", "-alias", "otlp", "-keystore", ks.toString(),
        "-storepass", PASSWORD, "-file", pem.toString());
    return new TestCertificate(ks, pem);
  }

  private static void run(String... cmd) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (p.waitFor() != 0) {
      throw new IOException(String.join(" ", cmd) + " failed: " + out);
    }
  }

  /** The certificate in PEM, for OTEL_EXPORTER_OTLP_CERTIFICATE. */
  public Path pem() {
    return pem;
  }

  public KeyManagerFactory keyManagers() throws IOException, GeneralSecurityException {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(keyStore)) {
      ks.load(in, PASSWORD.toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, PASSWORD.toCharArray());
    return kmf;
  }
}
