package io.runflowkafka.cli.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Date;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compose sandbox's TLS material fits the compose file: the emulator's name, the password, the trust. */
class SandboxTlsTest {

    private static final Path DIR = DeployTree.deploy().resolve("compose/sandbox-tls");
    private static final char[] PASSWORD = "runflow-dev".toCharArray();

    @Test
    void shouldServeTheEmulatorsComposeNameWithACertificateValidForYears() throws Exception {
        KeyStore keyStore = load(DIR.resolve("emulator-keystore.p12"));
        X509Certificate certificate = (X509Certificate) keyStore.getCertificate("emulator");

        assertThat(keyStore.isKeyEntry("emulator")).isTrue();
        Collection<List<?>> names = certificate.getSubjectAlternativeNames();
        List<String> alternativeNames =
                names.stream().map(name -> String.valueOf(name.get(1))).toList();
        assertThat(alternativeNames).contains("emulator", "localhost", "127.0.0.1");
        certificate.checkValidity(Date.from(Instant.now().plus(Duration.ofDays(5 * 365))));
        assertThat(ComposeProject.read(DeployTree.deploy().resolve("compose/docker-compose.yml"))
                        .environment("emulator"))
                .containsEntry("RUNFLOW_EMULATOR_PUBLIC_BASE_URL", "https://emulator:8443")
                .containsEntry("RUNFLOW_EMULATOR_TLS_KEYSTORE_PASSWORD", new String(PASSWORD));
    }

    @Test
    void shouldTrustTheEmulatorsCertificateInTheSinksTruststoreAndThePem() throws Exception {
        X509Certificate served =
                (X509Certificate) load(DIR.resolve("emulator-keystore.p12")).getCertificate("emulator");
        KeyStore trustStore = load(DIR.resolve("truststore.p12"));
        X509Certificate pem;
        try (InputStream in = Files.newInputStream(DIR.resolve("emulator-cert.pem"))) {
            pem = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }

        assertThat(trustStore.getCertificateAlias(served)).isNotNull();
        assertThat(pem).isEqualTo(served);
        assertThat(EnvFile.read(DeployTree.deploy().resolve("compose/.env.example"))
                        .values())
                .containsEntry("SINK_TLS_TRUSTSTORE", "/sandbox-tls/truststore.p12")
                .containsEntry("SINK_TLS_TRUSTSTORE_PASSWORD", new String(PASSWORD));
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD);
        }
        return store;
    }
}
