-- wrk script: POST /api/v1/images/score with a JSON image_url the emulator itself serves.
-- Usage: wrk -t2 -c64 -d20s -s score-url.lua http://127.0.0.1:8089
-- Env: RUNFLOW_KEY (default sandbox-key), IMAGE_URL (default the emulator's small sample).
local key = os.getenv("RUNFLOW_KEY") or "sandbox-key"
local image = os.getenv("IMAGE_URL") or "http://127.0.0.1:8089/sandbox/samples/small.jpg"
wrk.method = "POST"
wrk.path = "/api/v1/images/score"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-api-key"] = key
wrk.body = '{"image_url":"' .. image .. '"}'

local statuses = {}
response = function(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

done = function(summary, latency, requests)
  io.write(string.format("requests/s: %.0f  p50: %.1f ms  p99: %.1f ms  non-2xx/3xx: %d  socket errors: %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
