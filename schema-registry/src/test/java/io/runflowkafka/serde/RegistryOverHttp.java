package io.runflowkafka.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.serde.ScriptedHttpServer.Request;
import io.runflowkafka.serde.ScriptedHttpServer.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.avro.Schema;

/**
 * A working Schema Registry API for tests: the four endpoints the client uses, served by a scripted loopback server and
 * backed by an in-memory registry scope, so the serdes can be tested over real HTTP and their requests counted.
 */
final class RegistryOverHttp implements Function<Request, Response> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern REGISTER = Pattern.compile("/subjects/([^/]+)/versions");
    private static final Pattern LOOK_UP = Pattern.compile("/subjects/([^/]+)");
    private static final Pattern BY_ID = Pattern.compile("/schemas/ids/(\\d+)");
    private static final Pattern LATEST = Pattern.compile("/subjects/([^/]+)/versions/latest");

    private final InMemorySchemaRegistry backend;

    RegistryOverHttp(String scope) {
        this.backend = MockSchemaRegistry.registryForScope(scope);
    }

    @Override
    public Response apply(Request request) {
        try {
            Matcher m;
            if (request.method().equals("POST") && (m = REGISTER.matcher(request.path())).matches()) {
                return ok(Map.of("id", backend.register(subject(m), schemaOf(request))));
            }
            if (request.method().equals("POST") && (m = LOOK_UP.matcher(request.path())).matches()) {
                RegisteredSchema found = backend.lookUp(subject(m), schemaOf(request), false);
                return ok(Map.of(
                        "subject",
                        found.subject(),
                        "id",
                        found.id(),
                        "version",
                        found.version(),
                        "schema",
                        found.schema().toString()));
            }
            if (request.method().equals("GET") && (m = BY_ID.matcher(request.path())).matches()) {
                return ok(Map.of(
                        "schema",
                        backend.getSchemaById(Integer.parseInt(m.group(1))).toString()));
            }
            if (request.method().equals("GET") && (m = LATEST.matcher(request.path())).matches()) {
                RegisteredSchema latest = backend.getLatestVersion(subject(m));
                return ok(Map.of(
                        "subject",
                        latest.subject(),
                        "id",
                        latest.id(),
                        "version",
                        latest.version(),
                        "schema",
                        latest.schema().toString()));
            }
            return error(404, 404, "no such endpoint");
        } catch (SubjectNotFoundException | SchemaNotFoundException e) {
            return error(404, e.errorCode(), e.getMessage());
        } catch (IncompatibleSchemaException e) {
            return error(409, 409, e.getMessage());
        }
    }

    private static String subject(Matcher m) {
        return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
    }

    private static Schema schemaOf(Request request) {
        try {
            JsonNode body = JSON.readTree(request.body());
            return new Schema.Parser().parse(body.get("schema").asText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response ok(Map<String, Object> body) {
        try {
            return Response.json(200, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response error(int status, int code, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error_code", code);
        body.put("message", message);
        try {
            return Response.json(status, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
