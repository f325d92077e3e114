package io.runflowkafka.emulator;

import com.github.benmanes.caffeine.cache.AsyncCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * Scores photos, analysing each distinct photo once: results are cached by SHA-256 of the bytes and,
 * for {@code image_url}, by URL (bounded; concurrent requests for the same key share one analysis),
 * so load tests measure the pipeline, not ImageIO.
 */
final class PhotoScorer {

    private final ImageAnalyzer analyzer = new ImageAnalyzer();
    private final ScoreModel model = new ScoreModel();
    private final ImageFetcher fetcher;
    private final EmulatorCounters counters;
    private final AsyncCache<String, ScoreReport> byContent;
    private final AsyncCache<String, ScoreReport> byUrl;

    PhotoScorer(
            ImageFetcher fetcher,
            Executor analysisExecutor,
            int cacheSize,
            Duration urlCacheTtl,
            EmulatorCounters counters) {
        this.fetcher = fetcher;
        this.counters = counters;
        this.byContent = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .executor(analysisExecutor)
                .buildAsync();
        this.byUrl = Caffeine.newBuilder()
                .maximumSize(cacheSize)
                .expireAfterWrite(urlCacheTtl)
                .executor(analysisExecutor)
                .buildAsync();
    }

    CompletableFuture<ScoreReport> scoreBytes(byte[] image) {
        String key = sha256(image);
        boolean[] computed = {false};
        CompletableFuture<ScoreReport> report = byContent.get(key, (k, executor) -> {
            computed[0] = true;
            return CompletableFuture.supplyAsync(
                    () -> {
                        counters.scoreAnalyses.increment();
                        return model.score(analyzer.analyze(image));
                    },
                    executor);
        });
        if (!computed[0]) {
            counters.scoreCacheHits.increment();
        }
        return report;
    }

    CompletableFuture<ScoreReport> scoreUrl(String url) {
        ImageFetcher.validate(url);
        boolean[] computed = {false};
        CompletableFuture<ScoreReport> report = byUrl.get(url, (k, executor) -> {
            computed[0] = true;
            return fetcher.fetch(url).thenCompose(this::scoreBytes);
        });
        if (!computed[0]) {
            counters.scoreCacheHits.increment();
        }
        return report;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available in this JVM", e);
        }
    }
}
