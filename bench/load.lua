-- wrk's script for bench/load.sh. LOAD_URLS: urls.txt from load_prepare.py
-- ("kind path etag" a line). LOAD_MODE:
--   mixed        every kind, as a reading public mixes them
--   conditional  the same, each with the If-None-Match its ETag gives (a
--                browser or CDN revalidating what it holds)
--   paragraph    paragraph pages only
--   static       /static/payload.html, whitenoise's static file of the size
--                of a paragraph page
local mode = os.getenv("LOAD_MODE") or "mixed"
local requests = {}
local next_one = 0

function init(args)
  if mode == "static" then
    requests = { wrk.format("GET", "/static/payload.html") }
    return
  end
  for line in io.lines(os.getenv("LOAD_URLS")) do
    local kind, path, etag = line:match("^(%S+) (%S+) (.+)$")
    if kind and (mode ~= "paragraph" or kind == "paragraph") then
      local headers = {}
      if mode == "conditional" then
        headers["If-None-Match"] = etag
      end
      requests[#requests + 1] = wrk.format("GET", path, headers)
    end
  end
  -- Threads start at different places in the list.
  next_one = math.random(#requests)
end

function request()
  next_one = next_one % #requests + 1
  return requests[next_one]
end

function done(summary, latency, _)
  local errors = summary.errors
  io.write(string.format(
    'RESULT {"mode": "%s", "requests": %d, "seconds": %.2f, "rps": %.1f, ' ..
    '"p50_ms": %.1f, "p99_ms": %.1f, "max_ms": %.1f, "errors": %d, "bad_status": %d}\n',
    mode, summary.requests, summary.duration / 1e6,
    summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status))
end
