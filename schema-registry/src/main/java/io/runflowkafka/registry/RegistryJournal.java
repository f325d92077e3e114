package io.runflowkafka.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.runflowkafka.serde.CompatibilityLevel;
import io.runflowkafka.serde.InMemorySchemaRegistry;
import io.runflowkafka.serde.RegisteredSchema;
import io.runflowkafka.serde.SchemaNotFoundException;
import io.runflowkafka.serde.SubjectNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies the writes the API makes (registrations, deletes, compatibility levels) to the in-memory registry and, when
 * the server was given a journal file, appends each one that changed something as a JSON line, so that a restart
 * replays them and gives the same ids, versions and levels. A line without an "op" is a registration, which is all
 * earlier journals hold.
 */
final class RegistryJournal {

    private static final Logger LOG = LoggerFactory.getLogger(RegistryJournal.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final InMemorySchemaRegistry registry;
    private final Path file;

    /** Replays {@code file} (when there is one) into the registry; {@code file} may be null for no journal. */
    RegistryJournal(InMemorySchemaRegistry registry, Path file) throws IOException {
        this.registry = registry;
        this.file = file;
        if (file != null) {
            replay();
        }
    }

    RegisteredSchema register(String subject, Schema schema) {
        synchronized (registry) {
            boolean known;
            try {
                registry.lookUp(subject, schema, false);
                known = true;
            } catch (SchemaNotFoundException | SubjectNotFoundException e) {
                known = false;
            }
            RegisteredSchema registered = registry.registerVersion(subject, schema);
            if (!known) {
                append(entry("register", subject).with("schema", schema.toString()));
            }
            return registered;
        }
    }

    List<Integer> deleteSubject(String subject, boolean permanent) {
        synchronized (registry) {
            List<Integer> deleted = registry.deleteSubject(subject, permanent);
            append(entry("deleteSubject", subject).with("permanent", permanent));
            return deleted;
        }
    }

    int deleteVersion(String subject, int version, boolean permanent) {
        synchronized (registry) {
            int deleted = registry.deleteVersion(subject, version, permanent);
            append(entry("deleteVersion", subject).with("version", deleted).with("permanent", permanent));
            return deleted;
        }
    }

    /** Sets the level of the subject, or the global one for a null subject. */
    void setCompatibility(String subject, CompatibilityLevel level) {
        synchronized (registry) {
            if (subject == null) {
                registry.setCompatibility(level);
            } else {
                registry.setSubjectCompatibility(subject, level);
            }
            append(entry("config", subject).with("compatibility", level.name()));
        }
    }

    /** Removes the subject's level, or resets the global one for a null subject; returns what was removed. */
    Optional<CompatibilityLevel> deleteCompatibility(String subject) {
        synchronized (registry) {
            Optional<CompatibilityLevel> removed = subject == null
                    ? Optional.of(registry.resetCompatibility())
                    : registry.deleteSubjectCompatibility(subject);
            removed.ifPresent(level -> append(entry("config", subject).with("compatibility", null)));
            return removed;
        }
    }

    private void replay() throws IOException {
        if (!Files.exists(file)) {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return;
        }
        int replayed = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            apply(JSON.readTree(line));
            replayed++;
        }
        LOG.info("replayed {} schema registry writes from {}", replayed, file);
    }

    private void apply(JsonNode entry) {
        String op = entry.path("op").asText("register");
        String subject =
                entry.path("subject").isTextual() ? entry.get("subject").asText() : null;
        boolean permanent = entry.path("permanent").asBoolean(false);
        switch (op) {
            case "register" ->
                registry.registerVersion(
                        subject, new Schema.Parser().parse(entry.get("schema").asText()));
            case "deleteSubject" -> registry.deleteSubject(subject, permanent);
            case "deleteVersion" ->
                registry.deleteVersion(subject, entry.get("version").asInt(), permanent);
            case "config" -> {
                Optional<CompatibilityLevel> level =
                        CompatibilityLevel.parse(entry.path("compatibility").asText(null));
                if (level.isEmpty()) {
                    if (subject == null) {
                        registry.resetCompatibility();
                    } else {
                        registry.deleteSubjectCompatibility(subject);
                    }
                } else if (subject == null) {
                    registry.setCompatibility(level.get());
                } else {
                    registry.setSubjectCompatibility(subject, level.get());
                }
            }
            default ->
                throw new IllegalStateException("unknown operation '" + op + "' in the registry journal " + file);
        }
    }

    private Entry entry(String op, String subject) {
        return new Entry(op, subject);
    }

    private void append(Entry entry) {
        if (file == null) {
            return;
        }
        try {
            Files.writeString(
                    file,
                    JSON.writeValueAsString(entry.fields) + "\n",
                    StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to the registry journal " + file, e);
        }
    }

    /** One journal line being built. */
    private static final class Entry {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        Entry(String op, String subject) {
            fields.put("op", op);
            fields.put("subject", subject);
        }

        Entry with(String name, Object value) {
            fields.put(name, value);
            return this;
        }
    }
}
