package io.runflowkafka.client;

import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.ProxyAuthenticationProtocolHandler;
import org.eclipse.jetty.client.WWWAuthenticationProtocolHandler;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/** Builds and starts the Jetty HTTP client a {@link RunflowClient} sends its requests with. */
final class JettyHttpClients {

    private JettyHttpClients() {}

    /**
     * A started client: TLS with the configured trust store, daemon threads, the configured pool and queue
     * sizes, no redirects followed, and no answers to authentication challenges.
     *
     * @throws IllegalStateException when Jetty cannot start
     */
    static HttpClient start(RunflowClientConfig config, String userAgent) {
        ClientConnector connector = new ClientConnector();
        connector.setConnectTimeout(config.connectTimeout());
        SslContextFactory.Client tls = new SslContextFactory.Client();
        if (config.trustStore() != null) {
            tls.setTrustStore(config.trustStore());
        }
        connector.setSslContextFactory(tls);
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("runflow-client");
        threads.setDaemon(true);
        connector.setExecutor(threads);
        // Daemon threads: a client someone forgot to close must not keep the JVM alive.
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler("runflow-client-scheduler", true);
        connector.setScheduler(scheduler);

        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(threads);
        client.setScheduler(scheduler);
        client.setMaxConnectionsPerDestination(config.maxConnectionsPerDestination());
        client.setMaxRequestsQueuedPerDestination(config.maxRequestsQueuedPerDestination());
        // The API never redirects; following one could send the key to another host.
        client.setFollowRedirects(false);
        client.setUserAgentField(new HttpField(HttpHeader.USER_AGENT, userAgent));
        // Pooled connections idle longer than this are closed.
        client.setIdleTimeout(Math.max(config.requestTimeout().toMillis(), 30_000L));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the Runflow HTTP client", e);
        }
        // Jetty (on start) adds handlers that treat a 401 without WWW-Authenticate as a protocol
        // violation; Runflow's 401s carry none, and this client never answers challenges anyway.
        client.getProtocolHandlers().remove(WWWAuthenticationProtocolHandler.NAME);
        client.getProtocolHandlers().remove(ProxyAuthenticationProtocolHandler.NAME);
        return client;
    }
}
