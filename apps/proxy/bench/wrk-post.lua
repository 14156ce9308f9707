-- wrk script of the bench (after shared/bench/wrk-post.lua). Env: BODY_FILE (POSTed bytes),
-- HEADERS ("k: v|k2: v2"), OUT_JSON (done() writes one JSON line there), KEYS_FILE (optional,
-- `pnpm bench:scale`: one proxy key per line, a random one sent with each request).
-- No response() callback on purpose: defining one makes wrk slower.
local f = assert(io.open(os.getenv("BODY_FILE"), "rb"))
wrk.body = f:read("*a")
f:close()
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["anthropic-version"] = "2023-06-01"
for pair in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local k, v = pair:match("^%s*([^:]+):%s*(.-)%s*$")
  if k then wrk.headers[k] = v end
end

local keysFile = os.getenv("KEYS_FILE")
if keysFile and #keysFile > 0 then
  local keys = {}
  for line in io.lines(keysFile) do
    if #line > 0 then keys[#keys + 1] = line end
  end
  -- Only then a request() callback: like response(), defining one costs wrk a little.
  function init(args)
    math.randomseed(os.time())
  end
  function request()
    wrk.headers["x-api-key"] = keys[math.random(#keys)]
    return wrk.format()
  end
end

function done(summary, latency, requests)
  local out = assert(io.open(os.getenv("OUT_JSON"), "w"))
  local e = summary.errors
  local secs = summary.duration / 1e6
  local ok = summary.requests - e.status
  out:write(string.format(
    '{"rps":%.1f,"requests":%d,"non2xx":%d,"errors":%d,"timeouts":%d,"p50Ms":%.3f,"p99Ms":%.3f,"seconds":%.3f}\n',
    ok / secs, ok, e.status, e.connect + e.read + e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, secs))
  out:close()
end
