-- wrk script for deploy/bench-intake.sh: one script for every HTTP run so the client does the same
-- work each time, and it counts answers by HTTP status (wrk itself only counts status >= 400).
-- Arguments (after wrk's "--"): MODE TOKEN TEMPLATE_FILE TAG
--   healthz  GET /healthz
--   intake   POST /api/OutgoingSecureMessages, ExternalId "<TAG>-<thread>-<counter>": every request
--            stores a new message
--   repost   POST the same message every time, ExternalId "<TAG>" (stored once beforehand by the
--            caller): answered from storage, nothing created
-- TEMPLATE_FILE is the JSON body with the placeholder @@EXTERNAL_ID@@ where the ExternalId goes.
-- done() prints one line "wrk-result key=value ..." (latencies in microseconds) for the caller to parse.

local threads = {}
local messages_path = "/api/OutgoingSecureMessages"

function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

function init(args)
  mode = args[1]
  statuses = {}
  counter = 0
  if mode == "healthz" then
    fixed_request = wrk.format("GET", "/healthz")
    return
  end
  local token, template_file, tag = args[2], args[3], args[4]
  if not (token and template_file and tag) then
    error("intake.lua: expected MODE TOKEN TEMPLATE_FILE TAG")
  end
  local file = assert(io.open(template_file, "rb"))
  local template = file:read("*a")
  file:close()
  body_prefix, body_suffix = template:match("^(.*)@@EXTERNAL_ID@@(.*)$")
  if not body_prefix then error("intake.lua: no @@EXTERNAL_ID@@ in " .. template_file) end
  headers = {
    ["Authorization"] = "Bearer " .. token,
    ["Content-Type"] = "application/json",
    ["Accept"] = "application/json",
  }
  if mode == "repost" then
    fixed_request = wrk.format("POST", messages_path, headers, body_prefix .. tag .. body_suffix)
  elseif mode == "intake" then
    id_prefix = tag .. "-" .. tostring(thread_id) .. "-"
  else
    error("intake.lua: unknown mode " .. tostring(mode))
  end
end

function request()
  if mode == "intake" then
    counter = counter + 1
    return wrk.format("POST", messages_path, headers,
                      body_prefix .. id_prefix .. tostring(counter) .. body_suffix)
  end
  return fixed_request
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
