-- wrk script for deploy/bench-login-flood.sh: POST /token with a new random user name every time
-- (the login flood), counting answers by status and the refusals that carry Retry-After.
-- Arguments (after wrk's "--"): none.
-- done() prints one line "wrk-result key=value ..." (latencies in microseconds) for the caller to parse.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  statuses = {}
  with_retry_after = 0
  counter = 0
  math.randomseed(os.time() * 1000 + thread_id)
  headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
end

function request()
  counter = counter + 1
  local name = string.format("flood%d-%d-%08x%08x", thread_id, counter,
                             math.random(0, 0x7fffffff), math.random(0, 0x7fffffff))
  return wrk.format("POST", "/token", headers,
                    "grant_type=password&username=" .. name .. "&password=guess")
end

function response(status, response_headers, body)
  statuses[status] = (statuses[status] or 0) + 1
  if (status == 429 or status == 503) and response_headers["Retry-After"] then
    with_retry_after = with_retry_after + 1
  end
end

function done(summary, latency, requests)
  local merged, retry_after = {}, 0
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses") or {}) do
      merged[status] = (merged[status] or 0) + count
    end
    retry_after = retry_after + (thread:get("with_retry_after") or 0)
  end
  local codes, listed = {}, {}
  for status in pairs(merged) do table.insert(codes, status) end
  table.sort(codes)
  for _, status in ipairs(codes) do
    table.insert(listed, tostring(status) .. ":" .. tostring(merged[status]))
  end
  local errors = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f refusals_with_retry_after=%d " ..
    "connect_err=%d read_err=%d write_err=%d timeout_err=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), retry_after,
    errors.connect, errors.read, errors.write, errors.timeout,
    #listed > 0 and table.concat(listed, ",") or "none"))
end
