package io.runflowkafka.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.remote.RemoteWebDriver;

/**
 * Headless Debian chromium behind a chromedriver process this class starts itself (so it is stopped by its own PID)
 * and talks to over WebDriver; Selenium Manager is never involved, so nothing is downloaded.
 */
final class Browser implements AutoCloseable {

    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private final Process chromedriver;
    private final RemoteWebDriver driver;

    private Browser(Process chromedriver, RemoteWebDriver driver) {
        this.chromedriver = chromedriver;
        this.driver = driver;
    }

    static Browser start(Path profile) throws IOException {
        Files.createDirectories(profile);
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path log = profile.resolveSibling("chromedriver.log");
        Process process = new ProcessBuilder(
                        CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1", "--log-path=" + log)
                .redirectErrorStream(true)
                .redirectOutput(profile.resolveSibling("chromedriver.out").toFile())
                .start();
        try {
            URI status = URI.create("http://127.0.0.1:" + port + "/status");
            HttpClient http = HttpClient.newBuilder()
                    .connectTimeout(Duration.ofSeconds(2))
                    .build();
            Awaitility.await("chromedriver answers on :" + port)
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .ignoreExceptions()
                    .until(() -> http.send(
                                            HttpRequest.newBuilder(status)
                                                    .timeout(Duration.ofSeconds(2))
                                                    .build(),
                                            HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);
            ChromeOptions options = new ChromeOptions();
            options.setBinary(CHROMIUM.toFile());
            options.addArguments(
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,960",
                    "--user-data-dir=" + profile.toAbsolutePath());
            RemoteWebDriver driver =
                    new RemoteWebDriver(URI.create("http://127.0.0.1:" + port).toURL(), options);
            driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
            driver.manage().timeouts().scriptTimeout(Duration.ofSeconds(10));
            return new Browser(process, driver);
        } catch (RuntimeException | IOException e) {
            stop(process);
            throw e;
        }
    }

    WebDriver driver() {
        return driver;
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            stop(chromedriver);
        }
    }

    private static void stop(Process process) {
        // chromium's processes are chromedriver's children: stop them by their PIDs too, then chromedriver by its own.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
