-- wrk script for benches/stub_load.sh: POST a SF1590_A ModtagFinansbilag envelope to `oir stub`.
--
-- Env:
--   BODYFILE     the request (required)
--   SOAP_ACTION  the SOAPAction header (optional)
--   VARY         "1": every request is a new message (full path: schema, rules, booking, answer,
--                idempotency cache); anything else: the same bytes every time (the stub's
--                duplicate path, a resend answered from its cache)
--   RUN_ID       6 hex digits, different for every run against the same stub, so no ID repeats
--                across runs (default 000000)
--
-- With VARY=1 the BeskedUUID, the FinansbilagUUID and the FinansposteringUUIDs of the pack's
-- example (ae000000-…-000000000001, fb000000-…-000000000001, fc000000-…-00000000000{1,2}) are
-- replaced by <2 hex of the original><RUN_ID>-<thread>-4000-8000-<12 hex counter>: still UUIDs of
-- the pattern the schema wants, unique per request, per thread and per run. The body is split
-- once at those places, so each request costs a concatenation, not a search.
--
-- Prints one line at the end, the same keys as ../shared/bench-peers/wrk/soap-post.lua:
--   WRKRESULT requests=… duration_s=… rps=… p50_us=… p90_us=… p99_us=… mean_us=… max_us=…
--             err_connect=… err_read=… err_write=… err_timeout=… non2xx3xx=… bytes=…

local function slurp(path)
  local f = assert(io.open(path, "rb"), "cannot open BODYFILE " .. tostring(path))
  local s = f:read("*a"); f:close(); return s
end

local body = slurp(os.getenv("BODYFILE"))
local action = os.getenv("SOAP_ACTION")
local vary = os.getenv("VARY") == "1"
local run_id = os.getenv("RUN_ID") or "000000"
assert(#run_id == 6 and run_id:match("^%x+$"), "RUN_ID must be 6 hex digits")

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
if action and action ~= "" then wrk.headers["SOAPAction"] = action end

local ids = {
  "ae000000-0000-4000-8000-000000000001",   -- BeskedUUID
  "fb000000-0000-4000-8000-000000000001",   -- FinansbilagUUID
  "fc000000-0000-4000-8000-000000000001",   -- FinansposteringUUID 1
  "fc000000-0000-4000-8000-000000000002",   -- FinansposteringUUID 2
}

-- Threads get their own number (setup runs in the main state, init in each thread's).
local next_thread = 0
function setup(thread)
  thread:set("thread_no", next_thread)
  next_thread = next_thread + 1
end

local pieces, heads, counter, headers = nil, nil, 0, nil

function init(args)
  if not vary then return end
  local t = string.format("%04x", tonumber(thread_no) or 0)
  pieces, heads = {}, {}
  local rest = body
  for i, id in ipairs(ids) do
    local a, b = rest:find(id, 1, true)
    assert(a, "BODYFILE lacks " .. id .. " (expected the pack's ModtagFinansbilag example)")
    pieces[#pieces + 1] = rest:sub(1, a - 1)
    -- two posting IDs in one message must differ: the posting's number goes in the 4th group
    heads[i] = id:sub(1, 2) .. run_id .. "-" .. t .. "-4000-" .. string.format("%04x", 0x8000 + i) .. "-"
    rest = rest:sub(b + 1)
  end
  pieces[#pieces + 1] = rest
  headers = {}
  for k, v in pairs(wrk.headers) do headers[k] = v end
end

function request()
  if not vary then return wrk.request() end
  counter = counter + 1
  local c = string.format("%012x", counter)
  local out = {}
  for i = 1, #heads do
    out[#out + 1] = pieces[i]
    out[#out + 1] = heads[i]
    out[#out + 1] = c
  end
  out[#out + 1] = pieces[#pieces]
  return wrk.format(nil, nil, headers, table.concat(out))
end

function done(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  io.write(string.format(
    "WRKRESULT requests=%d duration_s=%.3f rps=%.1f p50_us=%d p90_us=%d p99_us=%d mean_us=%.0f max_us=%d " ..
    "err_connect=%d err_read=%d err_write=%d err_timeout=%d non2xx3xx=%d bytes=%d\n",
    summary.requests, secs, summary.requests / secs,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.mean, latency.max,
    e.connect, e.read, e.write, e.timeout, e.status, summary.bytes))
end
