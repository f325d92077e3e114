package io.runflowkafka.console;

import static org.assertj.core.api.Assertions.assertThat;

import io.runflowkafka.schema.Decision;
import io.runflowkafka.schema.ScoredUpload;
import io.runflowkafka.schema.UploadEvent;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the Orders view may show of an image address: never a pre-signed URL's signature or a password. */
class OrderBookTest {

    private static final String PRESIGNED = "https://bucket.s3.example:8443/photos/u-1.jpg"
            + "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIA123&X-Amz-Signature=deadbeef#frag";

    @Test
    void shouldKeepOnlySchemeHostPortAndPathOfAnUploadsImage() {
        OrderBook book = new OrderBook();
        book.uploaded(upload("u-1", PRESIGNED));
        book.uploaded(upload("u-2", "https://alice:hunter2@photos.example/u-2.jpg?token=t#x"));

        List<OrderBook.Photo> photos = book.orders().get(0).photos();
        assertThat(photos)
                .extracting(OrderBook.Photo::imageUri)
                .containsExactly("https://bucket.s3.example:8443/photos/u-1.jpg", "https://photos.example/u-2.jpg");
        assertThat(book.imageUri("u-1")).contains("https://bucket.s3.example:8443/photos/u-1.jpg");
        assertThat(photos.toString()).doesNotContain("Signature", "AKIA123", "hunter2", "token");
    }

    @Test
    void shouldStripAScoredOrDeadLetteredUploadsImageToo() {
        OrderBook book = new OrderBook();
        book.deadLettered(upload("u-1", PRESIGNED), "RunflowException: refused", 1L);
        assertThat(book.imageUri("u-1")).contains("https://bucket.s3.example:8443/photos/u-1.jpg");
        book.scored(ScoredUpload.newBuilder()
                .setUploadId("u-1")
                .setOrderId("order-1")
                .setUserId("user-1")
                .setImageUri("s3://bucket/photos/u-1.jpg?versionId=v1")
                .setDecision(Decision.ACCEPTED)
                .setQualityScore(0.9)
                .setBrightness(50)
                .setSharpness(50)
                .setTips(List.of())
                .setThreshold(0.6)
                .setUploadedAt(Instant.now())
                .setScoredAt(Instant.now())
                .build());
        assertThat(book.imageUri("u-1")).contains("s3://bucket/photos/u-1.jpg");
    }

    @Test
    void shouldLeaveAFileUriReadableAndCutWhatIsNotAUri() {
        assertThat(OrderBook.withoutSecrets("file:///photos/dark%20room.jpg"))
                .isEqualTo("file:///photos/dark%20room.jpg");
        assertThat(OrderBook.withoutSecrets("https://u:p@host.example/a b.jpg?X-Amz-Signature=s"))
                .as("not a URI (a space), cut all the same")
                .isEqualTo("https://host.example/a b.jpg");
        assertThat(OrderBook.withoutSecrets("data:image/png;base64,AAAA")).isEqualTo("data:");
        assertThat(OrderBook.withoutSecrets(null)).isNull();
    }

    private static UploadEvent upload(String id, String uri) {
        return UploadEvent.newBuilder()
                .setUploadId(id)
                .setOrderId("order-1")
                .setUserId("user-1")
                .setImageUri(uri)
                .setUploadedAt(Instant.now())
                .build();
    }
}
