package io.runflowkafka.sink.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ArchiveKeysTest {

    private static final String ID = "7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10";

    @Test
    void shouldLayOutImagesAndManifestUnderTheJob() {
        assertThat(ArchiveKeys.image(ID, 1, "jpg")).isEqualTo("headshots/" + ID + "/001.jpg");
        assertThat(ArchiveKeys.image(ID, 60, "webp")).isEqualTo("headshots/" + ID + "/060.webp");
        assertThat(ArchiveKeys.manifest(ID)).isEqualTo("headshots/" + ID + "/manifest.json");
        assertThat(ArchiveKeys.jobPrefix(ID.toUpperCase())).isEqualTo("headshots/" + ID);
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "1-2-3-4-5",
                "../../etc",
                "7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a1",
                "7f1c0a52/3a41-4f0e-9d55-2f6f3f1b9a10",
                "7f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10/..",
                "７f1c0a52-3a41-4f0e-9d55-2f6f3f1b9a10",
                ""
            })
    void shouldRefuseIdsThatAreNotCanonicalUuids(String id) {
        assertThat(ArchiveKeys.isValidHeadshotsId(id)).isFalse();
        assertThatThrownBy(() -> ArchiveKeys.manifest(id)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldRefuseIndexesOutsideThreeDigits() {
        assertThatThrownBy(() -> ArchiveKeys.image(ID, 0, "jpg")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ArchiveKeys.image(ID, 1000, "jpg")).isInstanceOf(IllegalArgumentException.class);
    }
}
