package io.runflowkafka.cli.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Where the deploy files are (the repository's {@code deploy/}, the test fixtures) and how they are read. */
final class DeployTree {

    private DeployTree() {}

    /** The repository root: the nearest folder above the module holding {@code deploy/} and {@code pom.xml}. */
    static Path root() {
        Path start = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
                .toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve("deploy"))
                    && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("cli"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no repository root with deploy/ above " + start);
    }

    static Path deploy() {
        return root().resolve("deploy");
    }

    /** A fixture under {@code src/test/resources/deploy/}. */
    static Path fixture(String name) {
        URL url = Objects.requireNonNull(DeployTree.class.getResource("/deploy/" + name), "no fixture deploy/" + name);
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every non-empty YAML document of a file, merge keys ({@code <<}) resolved. */
    static List<Object> yamlDocuments(Path file) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Yaml yaml = new Yaml(new SafeConstructor(options));
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            List<Object> documents = new ArrayList<>();
            for (Object document : yaml.loadAll(reader)) {
                if (document != null) {
                    documents.add(document);
                }
            }
            return documents;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The one mapping a YAML file holds. */
    static Map<String, Object> yamlMapping(Path file) {
        List<Object> documents = yamlDocuments(file);
        if (documents.size() != 1 || !(documents.get(0) instanceof Map)) {
            throw new IllegalArgumentException(file + " must hold one YAML mapping");
        }
        return Yamls.map(documents.get(0));
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
