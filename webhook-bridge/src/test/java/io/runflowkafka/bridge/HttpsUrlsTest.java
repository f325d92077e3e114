package io.runflowkafka.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class HttpsUrlsTest {

    private static final List<String> SEEDS = List.of(
            "https://cdn.runflow.io/headshots/1234abcd-0000-4000-8000-000000000001/out_001.jpg",
            "HTTPS://CDN.RUNFLOW.IO/a.png",
            "https://cdn.runflow.io:8443/a.webp?sig=abc&exp=1700000000#top",
            "https://[2001:db8::1]/a.jpg",
            "https://user:pw@cdn.runflow.io/a.jpg",
            "https://cdn.run_flow.io/a.jpg",
            "https://bucket.s3.amazonaws.com/k/o%20.jpg?X-Amz-Signature=ab%2Fcd&X-Amz-Date=20261207T000000Z");
    private static final String PRINTABLE = printableAscii();

    /** The check before origins were cached: java.net.URI over the whole URL. */
    private static boolean acceptedByUri(String value) {
        if (value.isEmpty() || value.length() > 2_048 || !value.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            return false;
        }
        try {
            URI uri = new URI(value);
            return "https".equalsIgnoreCase(uri.getScheme())
                    && !uri.isOpaque()
                    && uri.getHost() != null
                    && !uri.getHost().isEmpty()
                    && uri.getRawUserInfo() == null;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    @Test
    void shouldJudgeEveryUrlAsJavaNetUriDoes() {
        SplittableRandom random = new SplittableRandom(20261207);
        int accepted = 0;
        for (int i = 0; i < 200_000; i++) {
            String url = mutated(SEEDS.get(random.nextInt(SEEDS.size())), random);
            boolean expected = acceptedByUri(url);
            assertThat(new HttpsUrls().accepts(url)).as(url).isEqualTo(expected);
            accepted += expected ? 1 : 0;
        }
        // The mutations must reach both answers often, or the comparison shows little.
        assertThat(accepted).isBetween(20_000, 180_000);
    }

    @Test
    void shouldJudgeEachUrlOfACallbackOnItsOwnThoughTheyShareAnOrigin() {
        SplittableRandom random = new SplittableRandom(7);
        HttpsUrls shared = new HttpsUrls();
        List<String> urls = new ArrayList<>();
        for (int i = 0; i < 50_000; i++) {
            // Mostly the origin a previous URL had, so the cached origin is what is being tested.
            urls.add(
                    random.nextInt(4) == 0
                            ? mutated(SEEDS.get(random.nextInt(SEEDS.size())), random)
                            : "https://cdn.runflow.io" + mutated("/headshots/x/out_001.jpg?sig=a%2F#f", random));
        }
        for (String url : urls) {
            assertThat(shared.accepts(url)).as(url).isEqualTo(acceptedByUri(url));
        }
    }

    @Test
    void shouldRefuseAUserInfoOrBadEscapeAfterItsOriginWasAccepted() {
        HttpsUrls urls = new HttpsUrls();
        assertThat(urls.accepts("https://cdn.runflow.io/a.jpg")).isTrue();
        assertThat(urls.accepts("https://cdn.runflow.io/%zz")).isFalse();
        assertThat(urls.accepts("https://cdn.runflow.io/a.jpg#x#y")).isFalse();
        assertThat(urls.accepts("https://cdn.runflow.io/[a].jpg")).isFalse();
        assertThat(urls.accepts("https://cdn.runflow.io/a.jpg?[a]")).isTrue();
        assertThat(urls.accepts("https://cdn.runflow.io.evil/a.jpg")).isTrue();
        assertThat(urls.accepts("https://u@cdn.runflow.io/a.jpg")).isFalse();
        assertThat(urls.accepts("https://cdn.runflow.io")).isTrue();
        assertThat(urls.accepts("https://cdn.runflow.i")).isTrue();
        assertThat(urls.accepts("https://cdn.runflow.io%")).isFalse();
    }

    /** One to three random edits: insert, replace or delete a character (printable ASCII, a few others, or a delimiter). */
    private static String mutated(String seed, SplittableRandom random) {
        StringBuilder url = new StringBuilder(seed);
        int edits = 1 + random.nextInt(3);
        for (int e = 0; e < edits; e++) {
            int at = random.nextInt(url.length() + 1);
            char c = random.nextInt(4) == 0
                    ? "%?#/:@[]".charAt(random.nextInt(8))
                    : PRINTABLE.charAt(random.nextInt(PRINTABLE.length()));
            switch (random.nextInt(3)) {
                case 0 -> url.insert(at, c);
                case 1 -> {
                    if (at < url.length()) {
                        url.setCharAt(at, c);
                    }
                }
                default -> {
                    if (at < url.length()) {
                        url.deleteCharAt(at);
                    }
                }
            }
        }
        return url.toString();
    }

    private static String printableAscii() {
        StringBuilder chars = new StringBuilder();
        for (char c = 0x21; c < 0x7f; c++) {
            chars.append(c);
        }
        return chars.append(' ')
                .append('\u00e9')
                .append('\u0000')
                .append('\u007f')
                .append('\t')
                .toString();
    }
}
