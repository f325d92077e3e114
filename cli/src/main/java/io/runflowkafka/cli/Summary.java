package io.runflowkafka.cli;

import io.runflowkafka.schema.HeadshotJob;
import io.runflowkafka.schema.HeadshotsArchived;
import io.runflowkafka.schema.ScoredUpload;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** What the demo shows at the end: each retake with its tips, each order's job and where its images went. */
record Summary(
        DemoFeed feed,
        List<ScoredUpload> accepted,
        List<ScoredUpload> retakes,
        List<String> deadLetteredOrders,
        Map<String, HeadshotJob> jobs,
        Map<String, HeadshotsArchived> archived,
        List<String> failedOrders) {

    void print(PrintWriter out, Path archiveDir) {
        out.println();
        out.printf(
                "Scored %d uploads: %d accepted, %d to retake, %d dead-lettered.%n",
                accepted.size() + retakes.size() + deadLetteredOrders.size(),
                accepted.size(),
                retakes.size(),
                deadLetteredOrders.size());
        if (!retakes.isEmpty()) {
            out.println("Retakes:");
            for (ScoredUpload retake : retakes) {
                out.printf(
                        Locale.ROOT,
                        "  %-28s %-16s score %.2f (brightness %.0f, sharpness %.0f)%n",
                        retake.getOrderId(),
                        retake.getAttributes().getOrDefault("file", retake.getUploadId()),
                        retake.getQualityScore(),
                        retake.getBrightness(),
                        retake.getSharpness());
                retake.getTips().forEach(tip -> out.printf("      tip: %s%n", tip));
            }
        }
        out.println("Orders:");
        for (String order : feed.orders()) {
            HeadshotJob job = jobs.get(order);
            HeadshotsArchived archive = archived.get(order);
            if (order.equals(feed.ownPhotosOrder())
                    && accepted.stream().noneMatch(photo -> order.equals(photo.getOrderId()))) {
                out.printf("  %-28s your photos: none accepted (see the retakes above), so no headshots%n", order);
            } else if (archive != null) {
                out.printf(
                        "  %-28s job %s → %d images archived in %s%n",
                        order,
                        job == null ? "?" : job.getHeadshotsId(),
                        archive.getObjects().size(),
                        archiveDir
                                .resolve("headshots")
                                .resolve(archive.getHeadshotsId())
                                .toAbsolutePath()
                                .normalize());
            } else if (failedOrders.contains(order)) {
                out.printf("  %-28s FAILED: see the dead-letter topics (runflow-kafka dlq replay --dry-run)%n", order);
            } else if (job != null) {
                out.printf("  %-28s job %s submitted, not archived yet%n", order, job.getHeadshotsId());
            } else {
                out.printf("  %-28s no job submitted yet%n", order);
            }
        }
        out.flush();
    }
}
