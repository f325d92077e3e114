package io.runflowkafka.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.runflowkafka.emulator.RunflowEmulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;

/**
 * The console in a real browser (Debian's chromium, driven through chromedriver) over a real demo run: one sample order
 * and an order of the user's own photos (one to retake, sent as a file so its thumbnail can be shown), plus one
 * undecodable upload that the processor dead-letters. Asserts on the DOM of every view, replays the dead letter
 * through the dry run and the confirmation, and saves a screenshot of each view under {@code target/console-screenshots}.
 */
class ConsoleBrowserIT {

    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");
    private static final Duration WAIT = Duration.ofSeconds(60);

    private static Thread demo;
    private static final StringWriter OUT = new StringWriter();
    private static Browser browser;
    private static String consoleUrl;
    private static String bootstrap;

    @BeforeAll
    static void startDemoAndBrowser() throws Exception {
        assumeTrue(
                Files.isExecutable(Browser.CHROMIUM) && Files.isExecutable(Browser.CHROMEDRIVER),
                "no browser here: install Debian's chromium and chromium-driver (" + Browser.CHROMIUM + ", "
                        + Browser.CHROMEDRIVER + ") to run the console's browser test");
        Path data = Path.of("target", "console-it-" + UUID.randomUUID());
        Path ownPhotos = Files.createDirectories(data.resolve("own-photos"));
        Files.write(ownPhotos.resolve("me.jpg"), sample("portrait.jpg"));
        Files.write(ownPhotos.resolve("me-in-the-dark.jpg"), sample("dark.jpg"));
        var line = Main.commandLine();
        line.setOut(new PrintWriter(OUT, true));
        demo = new Thread(
                () -> line.execute(
                        "demo",
                        "--data",
                        data.toString(),
                        "--orders",
                        "1",
                        "--images",
                        ownPhotos.toString(),
                        "--keep-running",
                        "--timeout",
                        "PT120S"),
                "console-it-demo");
        demo.start();
        Awaitility.await("the demo archives its orders and keeps running")
                .atMost(Duration.ofSeconds(150))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> OUT.toString().contains("still running") || !demo.isAlive());
        String output = OUT.toString();
        assertThat(output).as(output).contains("demo finished", "still running");
        consoleUrl = find(output, "console (http://127\\.0\\.0\\.1:\\d+/)");
        bootstrap = find(output, "still running \\(Ctrl-C to stop\\): kafka (\\S+)");

        // An upload no one can decode: the processor dead-letters it.
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap),
                new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(
                            "photos.uploaded",
                            "order-garbled".getBytes(StandardCharsets.UTF_8),
                            "not an UploadEvent".getBytes(StandardCharsets.UTF_8)))
                    .get();
        }
        browser = Browser.start(data.resolve("chromium-profile"));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.close();
            }
        } finally {
            if (demo != null) {
                demo.interrupt();
                demo.join(Duration.ofSeconds(60).toMillis());
                assertThat(demo.isAlive()).as("the demo stopped").isFalse();
            }
        }
    }

    @Test
    void shouldShowEveryViewOfARealRunAndReplayADeadLetter() throws Exception {
        // The page re-renders every 2 s, so the DOM is read in one script call (texts, attributes) rather than
        // through element references that a refresh would make stale.
        WebDriver driver = browser.driver();
        driver.get(consoleUrl + "#pipeline");
        waitFor("topic counts", () -> count("#topics tr[data-topic='photos.uploaded'] .count") >= 6);
        waitFor(
                "both jobs archived",
                () -> texts("#topics tr[data-topic='headshots.archived'] .count")
                        .equals(List.of("2")));
        waitFor(
                "three ready services",
                () -> attributes("#services [data-ready='true']", "data-service")
                        .equals(List.of("bridge", "processor", "sink")));
        waitFor(
                "consumer-group lag rows",
                () -> attributes("#lag tbody tr", "data-group")
                        .containsAll(List.of("runflow-kafka-processor", "storage-sink")));
        screenshot(driver, "pipeline");

        driver.get(consoleUrl + "#orders");
        waitFor(
                "two archived orders",
                () -> texts(".order[data-state='ARCHIVED'] h3").size() == 2);
        // The console reads each topic at its own pace: what it shows is waited for, then checked.
        waitFor(
                "every state of both jobs, with its time",
                () -> texts(".order .state.reached").stream()
                        .map(t -> t.replaceAll(" .*", ""))
                        .toList()
                        .equals(List.of("SUBMITTED", "COMPLETED", "ARCHIVED", "SUBMITTED", "COMPLETED", "ARCHIVED")));
        waitFor(
                "two retakes",
                () -> attributes(".photo[data-decision='RETAKE']", "data-upload")
                                .size()
                        == 2);
        assertThat(texts(".photo[data-decision='RETAKE'] .tip"))
                .hasSizeGreaterThanOrEqualTo(2)
                .allSatisfy(tip -> assertThat(tip).isNotBlank());
        assertThat(texts(".order .state.reached")).allSatisfy(t -> assertThat(t).matches("[A-Z]+ \\S.*"));
        waitFor(
                "the thumbnail of the retake sent as a file",
                () -> loadedImages(".order[data-order$='-your-photos'] .photo[data-decision='RETAKE'] img") == 1);
        assertThat(texts(".order:not([data-order$='-your-photos']) .photo .uri"))
                .as("photos sent by URL are shown by address, never fetched")
                .hasSize(3)
                .allSatisfy(uri -> assertThat(uri).startsWith("http"));
        screenshot(driver, "orders");

        driver.get(consoleUrl + "#gallery");
        waitFor(
                "two archived jobs",
                () -> attributes("#gallery .job", "data-headshots").size() == 2);
        assertThat(attributes("#gallery .job .thumbs img", "src"))
                .hasSize(120)
                .allSatisfy(src -> assertThat(src).contains("/thumbs/archive?key=headshots%2F"));
        waitFor("headshot thumbnails made from the archive", () -> loadedImages("#gallery .job img") >= 60);
        screenshot(driver, "gallery");

        driver.get(consoleUrl + "#dead-letters");
        String dlq = "[data-dlq='photos.uploaded.dlq']";
        waitFor("the dead-lettered upload", () -> texts(dlq + " .total").equals(List.of("1")));
        assertThat(texts(dlq + " .letter .reason"))
                .singleElement()
                .asString()
                .contains("not Confluent Avro wire format");
        assertThat(texts(dlq + " .letter .headers"))
                .singleElement()
                .asString()
                .contains("__streams.errors.topic: photos.uploaded");
        waitFor("a click on Replay…", () -> {
            driver.findElement(By.cssSelector(dlq + " button.replay")).click();
            return true;
        });
        waitFor("the dry run", () -> attributes("#replay-dialog", "data-state").equals(List.of("dry-run")));
        assertThat(texts("#replay-summary"))
                .singleElement()
                .asString()
                .contains("Dry run: 1 record(s) would be sent", "Nothing was sent");
        assertThat(texts("#replay-lines"))
                .singleElement()
                .asString()
                .contains("would replay photos.uploaded.dlq-", "-> photos.uploaded");
        screenshot(driver, "dead-letters-dry-run");
        driver.findElement(By.id("replay-confirm")).click();
        waitFor("the replay", () -> attributes("#replay-dialog", "data-state").equals(List.of("done")));
        assertThat(texts("#replay-summary")).containsExactly("Replayed 1 record(s) from photos.uploaded.dlq.");
        driver.findElement(By.id("replay-cancel")).click();
        waitFor(
                "the replayed upload, undecodable still, dead-lettered again",
                () -> texts(dlq + " .total").equals(List.of("2")));
        screenshot(driver, "dead-letters");

        assertThat(status(consoleUrl + "api/pipeline", "evil.example:80"))
                .as("a page reaching the console by DNS rebinding is refused")
                .isEqualTo(403);
    }

    private static long count(String css) {
        List<String> found = texts(css);
        return found.isEmpty() || found.get(0).isBlank()
                ? 0
                : Long.parseLong(found.get(0).trim());
    }

    /** The textContent of every element {@code css} matches, read in one script call. */
    @SuppressWarnings("unchecked")
    private static List<String> texts(String css) {
        return (List<String>)
                script("return [...document.querySelectorAll(arguments[0])].map(e => e.textContent)", css);
    }

    /** Attribute {@code name} of every element {@code css} matches. */
    @SuppressWarnings("unchecked")
    private static List<String> attributes(String css, String name) {
        return (List<String>) script(
                "return [...document.querySelectorAll(arguments[0])].map(e => e.getAttribute(arguments[1]))",
                css,
                name);
    }

    private static long loadedImages(String css) {
        return ((Number) script(
                        "return [...document.querySelectorAll(arguments[0])]"
                                + ".filter(i => i.complete && i.naturalWidth > 0).length",
                        css))
                .longValue();
    }

    private static Object script(String script, Object... args) {
        return ((JavascriptExecutor) browser.driver()).executeScript(script, args);
    }

    private static void waitFor(String what, java.util.concurrent.Callable<Boolean> condition) throws IOException {
        try {
            Awaitility.await(what)
                    .atMost(WAIT)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(condition);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            WebDriver driver = browser.driver();
            screenshot(driver, "failed-" + what.replaceAll("[^a-z0-9]+", "-"));
            throw new AssertionError(
                    "waited for " + what + "; the page showed:\n"
                            + driver.findElement(By.tagName("body")).getText(),
                    e);
        }
    }

    private static void screenshot(WebDriver driver, String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        Files.write(SCREENSHOTS.resolve(name + ".png"), ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    }

    private static int status(String url, String host) throws IOException, InterruptedException {
        // The JDK client refuses to set Host; a raw request line does it.
        URI uri = URI.create(url);
        try (var socket = new java.net.Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream()
                    .write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            String statusLine = new String(socket.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            return Integer.parseInt(statusLine.substring(9, 12));
        }
    }

    private static String find(String output, String regex) {
        Matcher m = Pattern.compile(regex).matcher(output);
        assertThat(m.find()).as("%s in %s", regex, output).isTrue();
        return m.group(1);
    }

    private static byte[] sample(String name) throws IOException, InterruptedException {
        try (RunflowEmulator emulator = RunflowEmulator.builder().build().start()) {
            return HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(emulator.sampleUrl(name)))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofByteArray())
                    .body();
        }
    }
}
