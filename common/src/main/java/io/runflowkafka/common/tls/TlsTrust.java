package io.runflowkafka.common.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

/**
 * A truststore a client trusts instead of the JVM's default CAs, e.g. the emulator's self-signed dev
 * certificate. Trusting it is always an explicit setting; nothing here trusts everything.
 *
 * @param path a PKCS12 or JKS file
 * @param password its password (a secret: kept out of {@link #toString()})
 */
public record TlsTrust(Path path, char[] password) {

    /** Loads the store; the type (PKCS12 or JKS) is detected from the file. */
    public KeyStore load() {
        try {
            return KeyStore.getInstance(path.toFile(), password);
        } catch (IOException | GeneralSecurityException e) {
            // The path is not a secret; the password never enters the message.
            throw new IllegalArgumentException(
                    "cannot load truststore " + path + ": " + e.getClass().getSimpleName(), e);
        }
    }

    @Override
    public String toString() {
        return "TlsTrust[" + path + ", password=[hidden]]";
    }
}
