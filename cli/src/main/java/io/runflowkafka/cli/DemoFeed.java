package io.runflowkafka.cli;

import io.runflowkafka.emulator.RunflowEmulator;
import io.runflowkafka.schema.UploadEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The demo's uploads: per sample order two good portraits and one photo to retake (too dark, blurry, too
 * small or washed out, in turn), plus, with {@code --images}, the user's own photos as one more order.
 *
 * @param uploads every upload, in sending order
 * @param sampleOrders the sample orders (photos by URL), each expected to end archived
 * @param ownPhotosOrder the order holding the user's photos (file://, sent to Generate Headshots as files), or null
 */
record DemoFeed(List<UploadEvent> uploads, Set<String> sampleOrders, String ownPhotosOrder) {

    private static final List<String> RETAKES = List.of("dark.jpg", "blurry.jpg", "small.jpg", "washed-out.jpg");

    static DemoFeed samples(String run, int orders, RunflowEmulator emulator, Path ownPhotos) {
        List<UploadEvent> uploads = new ArrayList<>();
        Set<String> withJobs = new LinkedHashSet<>();
        for (int i = 1; i <= orders; i++) {
            String order = run + "-order-" + i;
            withJobs.add(order);
            List<String> photos = List.of("portrait.jpg", RETAKES.get((i - 1) % RETAKES.size()), "portrait.png");
            for (String photo : photos) {
                uploads.add(upload(order, uploads.size() + 1, emulator.sampleUrl(photo), photo));
            }
        }
        String own = null;
        if (ownPhotos != null) {
            own = run + "-your-photos";
            for (Path photo : photos(ownPhotos)) {
                uploads.add(upload(
                        own,
                        uploads.size() + 1,
                        photo.toUri().toString(),
                        photo.getFileName().toString()));
            }
        }
        return new DemoFeed(List.copyOf(uploads), Set.copyOf(withJobs), own);
    }

    /**
     * The orders expected to end archived: every sample order, and the user's own once one of its photos is
     * accepted (an order is submitted with at least one accepted photo; with none, there is nothing to submit).
     *
     * @param acceptedOrders the order of each photo accepted so far
     */
    Set<String> ordersWithJobs(Collection<String> acceptedOrders) {
        Set<String> expected = new LinkedHashSet<>(sampleOrders);
        if (ownPhotosOrder != null && acceptedOrders.contains(ownPhotosOrder)) {
            expected.add(ownPhotosOrder);
        }
        return expected;
    }

    Set<String> orders() {
        Set<String> all = new LinkedHashSet<>(sampleOrders);
        if (ownPhotosOrder != null) {
            all.add(ownPhotosOrder);
        }
        return all;
    }

    private static UploadEvent upload(String order, int n, String uri, String name) {
        return UploadEvent.newBuilder()
                .setUploadId(order + "-upload-" + n)
                .setOrderId(order)
                .setUserId("user-" + order)
                .setImageUri(uri)
                .setUploadedAt(Instant.now())
                .setAttributes(Map.of("file", name, "source", "runflow-kafka demo"))
                .build();
    }

    private static List<Path> photos(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("--images " + dir + " is not a folder");
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> photos = files.filter(Files::isRegularFile)
                    .filter(p -> {
                        String name = p.getFileName().toString().toLowerCase(Locale.ROOT);
                        return name.endsWith(".jpg")
                                || name.endsWith(".jpeg")
                                || name.endsWith(".png")
                                || name.endsWith(".webp");
                    })
                    .sorted()
                    .map(Path::toAbsolutePath)
                    .toList();
            if (photos.isEmpty()) {
                throw new IllegalArgumentException("--images " + dir + " holds no .jpg, .jpeg, .png or .webp file");
            }
            return photos;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }
}
