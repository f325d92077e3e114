package io.runflowkafka.emulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

/** Handlers of the Solutions API: Score Image and Generate Headshots, each as multipart or JSON. */
final class SolutionsApi {

    /** Input images accepted per Generate Headshots job. */
    static final int MAX_INPUT_IMAGES = 50;

    private final Responder responder;
    private final PhotoScorer scorer;
    private final HeadshotJobs jobs;
    private final EmulatorCounters counters;
    private final ObjectMapper json;
    private final int maxImageBytes;

    SolutionsApi(
            Responder responder,
            PhotoScorer scorer,
            HeadshotJobs jobs,
            EmulatorCounters counters,
            ObjectMapper json,
            int maxImageBytes) {
        this.responder = responder;
        this.scorer = scorer;
        this.jobs = jobs;
        this.counters = counters;
        this.json = json;
        this.maxImageBytes = maxImageBytes;
    }

    /** {@code POST /api/v1/images/score}. */
    void score(Context ctx) {
        counters.scoreRequests.increment();
        responder.api(ctx, ApiKeys.Scheme.API_KEY, true, request -> {
            if (isMultipart(request)) {
                UploadedFile image = request.uploadedFile("image");
                if (image == null) {
                    throw new ApiError(422, "multipart field 'image' (a JPEG, PNG or WebP file) is required");
                }
                byte[] bytes = read(image);
                return () -> scorer.scoreBytes(bytes).thenApply(this::scoreReply);
            }
            JsonNode body = jsonBody(request);
            JsonNode url = body.path("image_url");
            if (!url.isTextual() || url.asText().isBlank()) {
                throw new ApiError(422, "JSON field 'image_url' (string) is required");
            }
            ImageFetcher.validate(url.asText());
            return () -> scorer.scoreUrl(url.asText()).thenApply(this::scoreReply);
        });
    }

    /** {@code POST /api/v1/images/generate-headshots}. */
    void generateHeadshots(Context ctx) {
        responder.api(ctx, ApiKeys.Scheme.API_KEY, true, request -> {
            String callbackUrl;
            List<byte[]> files = new ArrayList<>();
            List<String> urls = new ArrayList<>();
            if (isMultipart(request)) {
                callbackUrl = request.formParam("callback_url");
                for (UploadedFile image : request.uploadedFiles("images")) {
                    files.add(read(image));
                }
                if (files.isEmpty()) {
                    throw new ApiError(422, "multipart field 'images' (one or more image files) is required");
                }
            } else {
                JsonNode body = jsonBody(request);
                callbackUrl = body.path("callback_url").isTextual()
                        ? body.path("callback_url").asText()
                        : null;
                JsonNode inputs = body.path("input_images");
                if (!inputs.isArray() || inputs.isEmpty()) {
                    throw new ApiError(422, "JSON field 'input_images' (a non-empty array of image URLs) is required");
                }
                for (JsonNode input : inputs) {
                    if (!input.isTextual()) {
                        throw new ApiError(422, "every entry of 'input_images' must be a URL string");
                    }
                    ImageFetcher.validate(input.asText());
                    urls.add(input.asText());
                }
            }
            validateCallbackUrl(callbackUrl);
            if (files.size() + urls.size() > MAX_INPUT_IMAGES) {
                throw new ApiError(422, "at most " + MAX_INPUT_IMAGES + " input images per job");
            }
            String callback = callbackUrl;
            return () -> {
                UUID id = jobs.submit(callback, files, urls);
                Map<String, Object> data = Map.of("headshots_id", id.toString());
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("success", true);
                body.put("data", data);
                return CompletableFuture.completedFuture(Reply.json(json, 200, body));
            };
        });
    }

    static void validateCallbackUrl(String callbackUrl) {
        if (callbackUrl == null || callbackUrl.isBlank()) {
            throw new ApiError(422, "field 'callback_url' (string) is required");
        }
        try {
            ImageFetcher.validate(callbackUrl);
        } catch (ApiError e) {
            throw new ApiError(422, "callback_url must be an absolute http(s) URL");
        }
    }

    private Reply scoreReply(ScoreReport report) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("quality_score", report.qualityScore());
        body.put("brightness", report.brightness());
        body.put("sharpness", report.sharpness());
        body.put("tips", report.tips());
        return Reply.json(json, 200, body);
    }

    private static boolean isMultipart(Context ctx) {
        String type = ctx.contentType();
        return type != null && type.toLowerCase(Locale.ROOT).startsWith("multipart/form-data");
    }

    private JsonNode jsonBody(Context ctx) {
        String type = ctx.contentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ApiError(415, "send multipart/form-data (file upload) or application/json (image URLs)");
        }
        try {
            JsonNode body = json.readTree(ctx.bodyAsBytes());
            if (body == null || !body.isObject()) {
                throw new ApiError(400, "the body must be a JSON object");
            }
            return body;
        } catch (IOException e) {
            throw new ApiError(400, "the body is not valid JSON");
        }
    }

    private byte[] read(UploadedFile file) {
        if (file.size() > maxImageBytes) {
            throw new ApiError(413, "image larger than " + maxImageBytes + " bytes");
        }
        try (InputStream in = file.content()) {
            byte[] bytes = in.readAllBytes();
            if (bytes.length == 0) {
                throw new ApiError(422, "the uploaded image is empty");
            }
            return bytes;
        } catch (IOException e) {
            throw new ApiError(400, "the uploaded file could not be read");
        }
    }
}
