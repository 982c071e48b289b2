-- wrk script for deploy/bench-relay.sh: the reference "what Metriport (the simulator) can absorb here":
-- POST /medical/v1/message?patientId=<uuid> straight to metriport-sim, the same send the relay makes
-- (same destination, a subject and body of the same size, unique per request so the simulator's
-- duplicate counters stay at 0), x-api-key header, one request in flight per connection.
-- Arguments (after wrk's "--"): API_KEY PATIENT_ID DESTINATION TAG
-- done() prints one line "wrk-result key=value ..." (latencies in microseconds) for the caller to parse.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

local function json_string(text)
  return '"' .. text:gsub('[%c"\\]', function(c)
    return string.format("\\u%04x", c:byte())
  end) .. '"'
end

function init(args)
  statuses = {}
  counter = 0
  local api_key, patient_id, destination, tag = args[1], args[2], args[3], args[4]
  if not (api_key and patient_id and destination and tag) then
    error("relay-sim.lua: expected API_KEY PATIENT_ID DESTINATION TAG")
  end
  path = "/medical/v1/message?patientId=" .. patient_id
  headers = {
    ["x-api-key"] = api_key,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }
  body_prefix = '{"destination":' .. json_string(destination) .. ',"subject":"Referral - cardiology '
  body_suffix = '","body":"Please review the attached referral for cardiology consultation."}'
  id_prefix = tag .. "-" .. tostring(thread_id) .. "-"
end

function request()
  counter = counter + 1
  return wrk.format("POST", path, headers, body_prefix .. id_prefix .. tostring(counter) .. body_suffix)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local merged = {}
  for _, thread in ipairs(threads) do
    local counts = thread:get("statuses") or {}
    for status, count in pairs(counts) do
      merged[status] = (merged[status] or 0) + count
    end
  end
  local ok, other, listed, codes = 0, 0, {}, {}
  for status in pairs(merged) do table.insert(codes, status) end
  table.sort(codes)
  for _, status in ipairs(codes) do
    local count = merged[status]
    if status >= 200 and status < 300 then ok = ok + count else other = other + count end
    table.insert(listed, tostring(status) .. ":" .. tostring(count))
  end
  local errors = summary.errors
  io.write(string.format(
    "wrk-result requests=%d duration_us=%d p50_us=%.0f p99_us=%.0f ok2xx=%d non2xx=%d " ..
    "connect_err=%d read_err=%d write_err=%d timeout_err=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), ok, other,
    errors.connect, errors.read, errors.write, errors.timeout,
    #listed > 0 and table.concat(listed, ",") or "none"))
end
