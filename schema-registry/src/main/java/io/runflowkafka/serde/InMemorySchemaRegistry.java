package io.runflowkafka.serde;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.avro.Schema;

/**
 * One in-memory registry scope with Confluent Schema Registry's semantics for subjects, versions, soft and permanent
 * deletes and compatibility levels: what {@link MockSchemaRegistry} hands out for {@code mock://scope} and what
 * {@code LocalSchemaRegistryServer} serves over HTTP. Errors are {@link SchemaRegistryException}s carrying Confluent's
 * HTTP status and error code. Every method is synchronized because the maps change together.
 */
public final class InMemorySchemaRegistry implements SchemaRegistryClient {

    /** Stands for "latest" wherever a version number is taken, as in Confluent's API. */
    public static final int LATEST = -1;

    private final String url;
    private final Map<String, NavigableMap<Integer, Version>> subjects = new TreeMap<>();
    private final Map<String, Integer> idsBySchemaText = new HashMap<>();
    private final Map<Integer, Schema> schemasById = new HashMap<>();
    private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
    private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

    /** One version under a subject; a soft-deleted one stays until it is deleted permanently. */
    private record Version(RegisteredSchema registered, boolean deleted) {}

    InMemorySchemaRegistry(String scope) {
        this.url = SchemaRegistryConfig.MOCK_URL_PREFIX + scope;
    }

    @Override
    public int register(String subject, Schema schema) {
        return registerVersion(subject, schema).id();
    }

    /**
     * Registers the schema under the subject as a new version, unless a live version already has it, after checking it
     * against the subject's compatibility level. Like Confluent, version numbers continue after soft-deleted versions,
     * and registering a schema again replaces its soft-deleted earlier versions.
     *
     * @throws IncompatibleSchemaException (409) when the level refuses the schema
     */
    public synchronized RegisteredSchema registerVersion(String subject, Schema schema) {
        String text = schema.toString();
        NavigableMap<Integer, Version> versions = subjects.getOrDefault(subject, new TreeMap<>());
        List<RegisteredSchema> live = visible(versions, false);
        for (RegisteredSchema version : live) {
            if (version.schema().toString().equals(text)) {
                return version;
            }
        }
        CompatibilityLevel level = compatibilityFor(subject);
        List<String> problems = CompatibilityCheck.problems(level, schema, live);
        if (!problems.isEmpty()) {
            RegisteredSchema latest = live.get(live.size() - 1);
            throw new IncompatibleSchemaException(
                    "Schema " + schema.getFullName() + " is not " + level + " compatible with version "
                            + latest.version() + " (id " + latest.id() + ") of subject '" + subject + "' in " + url
                            + ": " + String.join("; ", problems)
                            + ". Add new fields with defaults, or register under another subject.",
                    409);
        }
        int id = idsBySchemaText.computeIfAbsent(text, t -> idsBySchemaText.size() + 1);
        schemasById.putIfAbsent(id, schema);
        int number = versions.isEmpty() ? 1 : versions.lastKey() + 1;
        versions.values().removeIf(v -> v.deleted() && v.registered().id() == id);
        RegisteredSchema registered = new RegisteredSchema(subject, id, number, schema);
        versions.put(number, new Version(registered, false));
        subjects.put(subject, versions);
        return registered;
    }

    @Override
    public int getId(String subject, Schema schema) {
        return lookUp(subject, schema, false).id();
    }

    /**
     * Finds the schema under the subject, newest version first; soft-deleted versions only when asked.
     *
     * @throws SubjectNotFoundException (40401) when the subject has no version to look in
     * @throws SchemaNotFoundException (40403) when none of its versions has this schema
     */
    public synchronized RegisteredSchema lookUp(String subject, Schema schema, boolean deleted) {
        String text = schema.toString();
        List<RegisteredSchema> versions = versionsOf(subject, deleted);
        for (int i = versions.size() - 1; i >= 0; i--) {
            if (versions.get(i).schema().toString().equals(text)) {
                return versions.get(i);
            }
        }
        throw new SchemaNotFoundException(
                "Schema " + schema.getFullName() + " is not registered under subject '" + subject + "' in " + url
                        + ": register it (auto.register.schemas=true) or check the topic name",
                404);
    }

    @Override
    public synchronized Schema getSchemaById(int id) {
        Schema schema = schemasById.get(id);
        if (schema == null) {
            throw new SchemaNotFoundException("Schema id " + id + " is not registered in " + url, 404);
        }
        return schema;
    }

    /** Every version, in any subject, that has this id; soft-deleted ones only when asked. 40403 for an unknown id. */
    public synchronized List<RegisteredSchema> versionsOfId(int id, boolean deleted) {
        getSchemaById(id);
        return subjects.values().stream()
                .flatMap(versions -> visible(versions, deleted).stream())
                .filter(version -> version.id() == id)
                .collect(Collectors.toList());
    }

    @Override
    public synchronized RegisteredSchema getLatestVersion(String subject) {
        List<RegisteredSchema> versions = versionsOf(subject, false);
        return versions.get(versions.size() - 1);
    }

    /** The subjects with a live version (or, when asked, a soft-deleted one), sorted. */
    public synchronized List<String> subjects(boolean deleted) {
        return subjects.entrySet().stream()
                .filter(e -> !visible(e.getValue(), deleted).isEmpty())
                .map(Map.Entry::getKey)
                .collect(Collectors.toList());
    }

    /** The subject's versions in order; soft-deleted ones only when asked. 40401 when there are none. */
    public synchronized List<RegisteredSchema> versions(String subject, boolean deleted) {
        return versionsOf(subject, deleted);
    }

    /**
     * One version of the subject, or its latest live one for {@link #LATEST}.
     *
     * @throws SubjectNotFoundException (40401) when the subject has no version at all (soft-deleted ones count when asked)
     * @throws SchemaRegistryException 40402 when it has no such version
     */
    public synchronized RegisteredSchema version(String subject, int version, boolean deleted) {
        Optional<RegisteredSchema> found = find(subject, version, deleted);
        if (found.isPresent()) {
            return found.get();
        }
        versionsOf(subject, deleted);
        throw versionNotFound(subject, version);
    }

    /**
     * Deletes every version of the subject: softly (they stay readable with {@code deleted=true}), or permanently,
     * which Confluent allows only after a soft delete. Returns the version numbers deleted.
     */
    public synchronized List<Integer> deleteSubject(String subject, boolean permanent) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        if (versions == null) {
            throw subjectNotFound(subject);
        }
        List<RegisteredSchema> live = visible(versions, false);
        if (permanent) {
            if (!live.isEmpty()) {
                throw new SchemaRegistryException(
                        "Subject '" + subject + "' was not deleted first before being permanently deleted", 404, 40405);
            }
            List<Integer> deleted = new ArrayList<>(versions.keySet());
            subjects.remove(subject);
            subjectLevels.remove(subject);
            forgetUnusedIds();
            return deleted;
        }
        if (live.isEmpty()) {
            throw new SchemaRegistryException(
                    "Subject '" + subject + "' was soft deleted. Set permanent=true to delete permanently", 404, 40404);
        }
        live.forEach(v -> versions.put(v.version(), new Version(v, true)));
        return live.stream().map(RegisteredSchema::version).collect(Collectors.toList());
    }

    /**
     * Deletes one version ({@link #LATEST}: the latest live one), softly or, after a soft delete, permanently, and
     * returns its number.
     */
    public synchronized int deleteVersion(String subject, int version, boolean permanent) {
        NavigableMap<Integer, Version> versions = subjects.get(subject);
        Version target = versions == null ? null : versions.get(version);
        if (target != null && target.deleted() && !permanent) {
            throw new SchemaRegistryException(
                    "Subject '" + subject + "' Version " + version
                            + " was soft deleted. Set permanent=true to delete permanently",
                    404,
                    40406);
        }
        RegisteredSchema found = find(subject, version, true).orElse(null);
        if (found == null) {
            throw versions == null ? subjectNotFound(subject) : versionNotFound(subject, version);
        }
        if (permanent) {
            if (!versions.get(found.version()).deleted()) {
                throw new SchemaRegistryException(
                        "Subject '" + subject + "' Version " + found.version()
                                + " was not deleted first before being permanently deleted",
                        404,
                        40407);
            }
            versions.remove(found.version());
            if (versions.isEmpty()) {
                subjects.remove(subject);
                subjectLevels.remove(subject);
            }
            forgetUnusedIds();
        } else {
            versions.put(found.version(), new Version(found, true));
        }
        return found.version();
    }

    /** The global compatibility level (BACKWARD until changed). */
    public synchronized CompatibilityLevel compatibility() {
        return globalLevel;
    }

    /** Sets the global compatibility level. */
    public synchronized void setCompatibility(CompatibilityLevel level) {
        globalLevel = level;
    }

    /** Puts the global level back to BACKWARD and returns the one it replaced. */
    public synchronized CompatibilityLevel resetCompatibility() {
        CompatibilityLevel previous = globalLevel;
        globalLevel = CompatibilityLevel.BACKWARD;
        return previous;
    }

    /** The subject's own compatibility level, if one was set. */
    public synchronized Optional<CompatibilityLevel> subjectCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.get(subject));
    }

    /** Sets the subject's own compatibility level (the subject need not exist yet, as in Confluent). */
    public synchronized void setSubjectCompatibility(String subject, CompatibilityLevel level) {
        subjectLevels.put(subject, level);
    }

    /** Removes the subject's own level, so the global one applies; returns the level removed, if there was one. */
    public synchronized Optional<CompatibilityLevel> deleteSubjectCompatibility(String subject) {
        return Optional.ofNullable(subjectLevels.remove(subject));
    }

    /** The level that applies to the subject: its own, else the global one. */
    public synchronized CompatibilityLevel compatibilityFor(String subject) {
        return subjectLevels.getOrDefault(subject, globalLevel);
    }

    /**
     * Tests the schema under the subject's level against one live version ({@link #LATEST} for the latest) and returns
     * the problems, empty when compatible. As in Confluent, "latest" of a subject with no live version is compatible,
     * and a numbered version that is not there is 40402.
     */
    public synchronized List<String> testCompatibility(String subject, Schema schema, int version) {
        Optional<RegisteredSchema> against = find(subject, version, false);
        if (against.isEmpty() && version != LATEST) {
            throw versionNotFound(subject, version);
        }
        return CompatibilityCheck.problems(
                compatibilityFor(subject), schema, against.stream().toList());
    }

    /** Tests the schema as registering it would: against the live versions the subject's level names. */
    public synchronized List<String> testCompatibilityWithAll(String subject, Schema schema) {
        List<RegisteredSchema> live = visible(subjects.getOrDefault(subject, new TreeMap<>()), false);
        return CompatibilityCheck.problems(compatibilityFor(subject), schema, live);
    }

    private Optional<RegisteredSchema> find(String subject, int version, boolean deleted) {
        NavigableMap<Integer, Version> versions = subjects.getOrDefault(subject, new TreeMap<>());
        if (version == LATEST) {
            List<RegisteredSchema> live = visible(versions, false);
            return live.isEmpty() ? Optional.empty() : Optional.of(live.get(live.size() - 1));
        }
        Version found = versions.get(version);
        return found == null || (found.deleted() && !deleted) ? Optional.empty() : Optional.of(found.registered());
    }

    private List<RegisteredSchema> versionsOf(String subject, boolean deleted) {
        List<RegisteredSchema> versions = visible(subjects.getOrDefault(subject, new TreeMap<>()), deleted);
        if (versions.isEmpty()) {
            throw subjectNotFound(subject);
        }
        return versions;
    }

    private static List<RegisteredSchema> visible(NavigableMap<Integer, Version> versions, boolean deleted) {
        Predicate<Version> shown = v -> deleted || !v.deleted();
        return versions.values().stream().filter(shown).map(Version::registered).collect(Collectors.toList());
    }

    /** After a permanent delete, an id no version has any more is not found by id, as in Confluent. */
    private void forgetUnusedIds() {
        schemasById
                .keySet()
                .removeIf(id -> subjects.values().stream()
                        .flatMap(versions -> versions.values().stream())
                        .noneMatch(v -> v.registered().id() == id));
    }

    private SubjectNotFoundException subjectNotFound(String subject) {
        return new SubjectNotFoundException(
                "Subject '" + subject + "' not found in " + url
                        + ": nothing was registered for it yet (is the topic name right?)",
                404);
    }

    private SchemaRegistryException versionNotFound(String subject, int version) {
        return new SchemaRegistryException(
                "Version " + (version == LATEST ? "latest" : version) + " not found under subject '" + subject + "' in "
                        + url,
                404,
                40402);
    }

    @Override
    public String toString() {
        return "MockSchemaRegistry[" + url + "]";
    }
}
