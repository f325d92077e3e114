package io.runflowkafka.registry;

import io.runflowkafka.serde.MockSchemaRegistry;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A local registry server for each test, on a free port and a scope of its own, stopped and dropped after it, with
 * plain HTTP calls to it.
 */
final class RunningRegistry implements BeforeEachCallback, AfterEachCallback {

    private String scope;
    private LocalSchemaRegistryServer server;
    private RegistryHttp api;

    @Override
    public void beforeEach(ExtensionContext context) {
        scope = "running-registry-" + context.getUniqueId().hashCode() + "-" + System.nanoTime();
        server = LocalSchemaRegistryServer.start(scope, 0);
        api = new RegistryHttp(server.url());
    }

    @Override
    public void afterEach(ExtensionContext context) {
        server.close();
        MockSchemaRegistry.dropScope(scope);
    }

    String url() {
        return server.url();
    }

    RegistryHttp.Answer get(String path) {
        return api.get(path);
    }

    RegistryHttp.Answer delete(String path) {
        return api.delete(path);
    }

    RegistryHttp.Answer post(String path, String body) {
        return api.post(path, body);
    }

    RegistryHttp.Answer put(String path, String body) {
        return api.put(path, body);
    }
}
