package io.runflowkafka.emulator;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Set;

/** Every setting of one emulator instance, as gathered by {@link RunflowEmulatorBuilder}. */
record EmulatorSettings(
        String host,
        int port,
        int httpsPort,
        String publicBaseUrl,
        Set<String> apiKeys,
        Set<String> readOnlyKeys,
        String adminToken,
        Duration headshotsDelay,
        Duration imageTtl,
        LatencySpec imageLatency,
        Duration runQueuedFor,
        Duration runDuration,
        WebhookSender.RetrySchedule callbackRetry,
        String webhookSecret,
        FaultSettings faults,
        int maxImageBytes,
        Duration fetchTimeout,
        int scoreCacheSize,
        Duration urlCacheTtl,
        int maxServerThreads,
        Path tlsKeyStore,
        String tlsKeyStorePassword,
        Clock clock) {

    @Override
    public String toString() {
        // Keys, the admin token, the webhook secret and the keystore password stay out of logs.
        return "EmulatorSettings[host=" + host + ", port=" + port + ", httpsPort=" + httpsPort
                + ", publicBaseUrl=" + publicBaseUrl + ", apiKeys=" + apiKeys.size() + ", readOnlyKeys="
                + readOnlyKeys.size() + ", adminToken=" + (adminToken == null ? "none" : "****")
                + ", headshotsDelay=" + headshotsDelay + ", imageTtl=" + imageTtl + ", imageLatency=" + imageLatency
                + ", runQueuedFor=" + runQueuedFor
                + ", runDuration=" + runDuration + ", callbackRetry=" + callbackRetry + ", webhookSigning="
                + (webhookSecret != null) + ", faults=" + faults + ", maxImageBytes=" + maxImageBytes
                + ", fetchTimeout=" + fetchTimeout + ", scoreCacheSize=" + scoreCacheSize + ", tlsKeyStore="
                + (tlsKeyStore == null ? "dev" : tlsKeyStore) + "]";
    }
}
