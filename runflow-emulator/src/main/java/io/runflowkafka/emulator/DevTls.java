package io.runflowkafka.emulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The emulator's self-signed development certificate for {@code localhost} and {@code 127.0.0.1}
 * (resources under {@code dev-tls/}). DEVELOPMENT ONLY: its private key is public in this repository,
 * so it proves nothing outside a developer's machine or a test.
 */
final class DevTls {

    /** Password of the bundled keystore and truststore; not a secret, the key is public anyway. */
    static final String PASSWORD = "runflow-dev";

    private static final String KEYSTORE = "dev-tls/localhost-keystore.p12";
    private static final String TRUSTSTORE = "dev-tls/dev-truststore.p12";
    private static final String CERTIFICATE = "dev-tls/localhost-cert.pem";

    private DevTls() {}

    static KeyStore keyStore() {
        return load(KEYSTORE);
    }

    static KeyStore trustStore() {
        return load(TRUSTSTORE);
    }

    static String certificatePem() {
        try (InputStream in = resource(CERTIFICATE)) {
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDK's trusted roots plus the dev certificate, so the emulator can fetch from itself and the web. */
    static KeyStore trustStoreWithJdkDefaults() {
        try {
            KeyStore merged = trustStore();
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init((KeyStore) null);
            int i = 0;
            for (TrustManager manager : factory.getTrustManagers()) {
                if (manager instanceof X509TrustManager x509) {
                    for (X509Certificate root : x509.getAcceptedIssuers()) {
                        merged.setCertificateEntry("jdk-" + i++, root);
                    }
                }
            }
            return merged;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot build the emulator's trust store", e);
        }
    }

    private static KeyStore load(String name) {
        try (InputStream in = resource(name)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the emulator's " + name, e);
        }
    }

    private static InputStream resource(String name) throws IOException {
        InputStream in = DevTls.class.getResourceAsStream(name);
        if (in == null) {
            throw new IOException("missing resource " + name);
        }
        return in;
    }
}
