-- wrk script for deploy/bench-webhooks.sh: sends each signed webhook of a fixture file once (or GET
-- /healthz as often), paced to a total rate with delay(), counts answers by status, prints a summary.
-- Arguments (after wrk's "--"): MODE FILE COUNT RATE THREADS DONE_DIR [PATH]
--   MODE      webhook: POST PATH (default /webhooks/metriport) with the bodies of FILE;
--             healthz: GET /healthz (FILE is ignored, pass "-")
--   FILE      JSON lines of tests/contract/generate-webhooks.js; the lines whose kind starts with
--             "message.status" are used, the first COUNT of them, each sent exactly once: line i goes
--             to thread ((i - 1) mod threads) + 1, each thread sends its lines in file order
--   COUNT     requests in all (each thread sends its share, then parks its connections)
--   RATE      total requests per second over all threads: each thread keeps a fixed schedule of
--             slots THREADS/RATE apart from its first request on; 0 = unpaced (delay() answers 0)
--   THREADS   wrk's -t (each thread's share of COUNT and RATE)
--   DONE_DIR  each thread writes DONE_DIR/done-<thread> once every request it sent was answered, so
--             the caller can stop wrk (SIGINT) instead of idling until -d runs out
-- The latency wrk records runs from writing a request to its answer (the pacing wait is not in it).
-- done() prints one line "wrk-result key=value ..." (times in microseconds) for the caller to parse.

local ffi = require("ffi")
ffi.cdef([[
typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
int clock_gettime(int clock_id, bench_timespec *tp);
unsigned long pthread_self(void);
]])
local CLOCK_MONOTONIC = 1
local timespec = ffi.new("bench_timespec")
-- Milliseconds on the system-wide monotonic clock (the same in every wrk thread).
local function now_ms()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000 + tonumber(timespec.tv_nsec) / 1e6
end

local PARK_MS = 3600 * 1000 -- a thread that has sent its share waits this long: until wrk stops
local HEALTHZ_BODY = '{"status":"ok"}'

local threads = {}

-- Setup phase (its own Lua state; wrk calls setup() then init() thread by thread, so the thread
-- count comes as an argument): numbers the threads.
function setup(thread)
  table.insert(threads, thread)
  thread:set("thread_id", #threads)
end

-- JSON string decoding (the fixture's rawBody and signature are JSON strings) ---------------------
local simple_escapes = {
  ['"'] = '"', ["\\"] = "\\", ["/"] = "/", b = "\b", f = "\f", n = "\n", r = "\r", t = "\t",
}

local function utf8_char(cp)
  local floor = math.floor
  if cp < 0x80 then return string.char(cp) end
  if cp < 0x800 then return string.char(0xC0 + floor(cp / 0x40), 0x80 + cp % 0x40) end
  if cp < 0x10000 then
    return string.char(0xE0 + floor(cp / 0x1000), 0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
  end
  return string.char(0xF0 + floor(cp / 0x40000), 0x80 + floor(cp / 0x1000) % 0x40,
                     0x80 + floor(cp / 0x40) % 0x40, 0x80 + cp % 0x40)
end

-- Decodes the JSON string whose content starts at index i (just after the opening quote).
local function json_string_at(s, i)
  local parts = {}
  while true do
    local j = s:find('[\\"]', i)
    if not j then error("webhooks.lua: unterminated JSON string") end
    if j > i then parts[#parts + 1] = s:sub(i, j - 1) end
    if s:sub(j, j) == '"' then return table.concat(parts) end
    local escape = s:sub(j + 1, j + 1)
    if escape == "u" then
      local cp = tonumber(s:sub(j + 2, j + 5), 16)
      if not cp then error("webhooks.lua: bad \\u escape") end
      i = j + 6
      if cp >= 0xD800 and cp <= 0xDBFF and s:sub(i, i + 1) == "\\u" then
        local low = tonumber(s:sub(i + 2, i + 5), 16)
        if low and low >= 0xDC00 and low <= 0xDFFF then
          cp = 0x10000 + (cp - 0xD800) * 0x400 + (low - 0xDC00)
          i = i + 6
        end
      end
      parts[#parts + 1] = utf8_char(cp)
    else
      local plain = simple_escapes[escape]
      if not plain then error("webhooks.lua: bad escape \\" .. escape) end
      parts[#parts + 1] = plain
      i = j + 2
    end
  end
end

-- The decoded value of top-level string member `key` of one fixture line (nil when absent).
local function string_member(line, key)
  local _, last = line:find('"' .. key .. '":"', 1, true)
  if not last then return nil end
  return json_string_at(line, last + 1)
end

-- Running phase (one Lua state per wrk thread) -------------------------------------------------------
function init(args)
  mode, file, count, rate = args[1], args[2], tonumber(args[3]), tonumber(args[4])
  thread_count, done_dir = tonumber(args[5]), args[6]
  local path = args[7] or "/webhooks/metriport"
  if not (mode and file and count and rate and thread_count and done_dir) then
    error("webhooks.lua: expected MODE FILE COUNT RATE THREADS DONE_DIR [PATH]")
  end
  if thread_id > thread_count then error("webhooks.lua: THREADS is less than wrk's -t") end
  init_os_thread = ffi.C.pthread_self() -- init() runs on wrk's main thread, requests on the thread's own
  statuses, prepared = {}, {}
  dispatched, reserved, answered, bodies_other, extra_answers = 0, 0, 0, 0, 0
  first_send_ms, last_answer_ms, marker_written = 0, 0, false
  period_ms = rate > 0 and thread_count * 1000 / rate or 0
  filler = wrk.format("GET", "/healthz")
  local index = 0
  if mode == "healthz" then
    for i = 1, count do
      if (i - 1) % thread_count == thread_id - 1 then prepared[#prepared + 1] = filler end
    end
    expected_body = HEALTHZ_BODY
  elseif mode == "webhook" then
    local handle = assert(io.open(file, "rb"))
    for line in handle:lines() do
      if line:find('^{"kind":"message%.status') then
        index = index + 1
        if index > count then break end
        if (index - 1) % thread_count == thread_id - 1 then
          local body, signature = string_member(line, "rawBody"), string_member(line, "signature")
          if not (body and signature and signature:match("^%x+$")) then
            error("webhooks.lua: line " .. index .. " of " .. file .. " has no rawBody/signature")
          end
          prepared[#prepared + 1] = wrk.format("POST", path, {
            ["Content-Type"] = "application/json",
            ["x-metriport-signature"] = signature,
          }, body)
        end
      end
    end
    handle:close()
    if index < count then
      error("webhooks.lua: " .. file .. " has " .. index .. " message.status lines, " .. count .. " needed")
    end
    expected_body = '{"received":true}'
  else
    error("webhooks.lua: unknown mode " .. tostring(mode))
  end
  share = #prepared
  if share == 0 then write_marker() end
end

function write_marker()
  if marker_written then return end
  marker_written = true
  local handle = io.open(done_dir .. "/done-" .. tostring(thread_id), "w")
  if handle then
    handle:write(tostring(answered), "\n")
    handle:close()
  end
end

-- Called before every request but a connection's first (and first after a reconnect). Paced: waits
-- for this thread's next slot (slots missed while the server was slow are sent at once, so the
-- schedule, not the answers, sets the rate). Unpaced: 0. Parks the connection once the share is sent.
function delay()
  if reserved >= share then return PARK_MS end
  reserved = reserved + 1
  if period_ms == 0 then return 0 end
  local wait = first_send_ms + (reserved - 1) * period_ms - now_ms()
  return wait > 0 and math.floor(wait) or 0
end

-- A request without delay() (a connection's first: the only burst, at most connections/threads
-- requests at the start) takes the next slot at once. Past the share (only after a reconnect of a
-- parked connection) it sends GET /healthz, not a webhook twice; its answer is counted apart.
function request()
  -- wrk calls request() once on its main thread right after the first thread's init() to check the
  -- request's syntax; that one is never sent, so it consumes nothing.
  if dispatched == 0 and ffi.C.pthread_self() == init_os_thread then return prepared[1] or filler end
  dispatched = dispatched + 1
  if dispatched > reserved then reserved = dispatched end
  if dispatched == 1 then first_send_ms = now_ms() end
  if dispatched > share then return filler end
  return prepared[dispatched]
end

function response(status, headers, body)
  if mode == "webhook" and body == HEALTHZ_BODY then
    extra_answers = extra_answers + 1
    return
  end
  answered = answered + 1
  last_answer_ms = now_ms()
  statuses[status] = (statuses[status] or 0) + 1
  if body ~= expected_body then bodies_other = bodies_other + 1 end
  if answered >= share then write_marker() end
end

-- Done phase (the setup state): merge the threads' counters and print one summary line -------------
function done(summary, latency, requests)
  local merged, sent, answers, other_bodies, extra = {}, 0, 0, 0, 0
  local first, last = math.huge, 0
  for _, thread in ipairs(threads) do
    for status, n in pairs(thread:get("statuses") or {}) do merged[status] = (merged[status] or 0) + n end
    local thread_sent, thread_share = thread:get("dispatched") or 0, thread:get("share") or 0
    sent = sent + math.min(thread_sent, thread_share)
    extra = extra + math.max(0, thread_sent - thread_share)
    answers = answers + (thread:get("answered") or 0)
    other_bodies = other_bodies + (thread:get("bodies_other") or 0)
    local f, l = thread:get("first_send_ms") or 0, thread:get("last_answer_ms") or 0
    if thread_sent > 0 and f < first then first = f end
    if l > last then last = l end
  end
  local codes, listed, ok = {}, {}, 0
  for status in pairs(merged) do table.insert(codes, status) end
  table.sort(codes)
  for _, status in ipairs(codes) do
    table.insert(listed, tostring(status) .. ":" .. tostring(merged[status]))
    if status == 200 then ok = merged[status] end
  end
  local span_us = (first < math.huge and last > first) and (last - first) * 1000 or 0
  local errors = summary.errors
  io.write(string.format(
    "wrk-result threads=%d sent=%d answered=%d ok200=%d other_bodies=%d extra_sent=%d span_us=%.0f duration_us=%d " ..
    "p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f connect_err=%d read_err=%d write_err=%d " ..
    "timeout_err=%d statuses=%s\n",
    #threads, sent, answers, ok, other_bodies, extra, span_us, summary.duration, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.max, errors.connect, errors.read,
    errors.write, errors.timeout, #listed > 0 and table.concat(listed, ",") or "none"))
end
