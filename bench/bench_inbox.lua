-- wrk script of bench_inbox.sh (License LGPL-3.0 or later).
--
-- BENCH_MODE=peer    GET /web/health (Odoo's own cheapest endpoint, the floor)
-- BENCH_MODE=single  POST /saas/api/v1/events, one canonical event per request
-- BENCH_MODE=batch   POST /saas/api/v1/events, a list of BENCH_BATCH events
--
-- Event ids are unique: BENCH_PREFIX, the wrk thread number and a counter.
-- With BENCH_DUP_EVERY=n (single mode), every n-th request re-sends the id
-- sent two requests before by the same thread (a duplicate delivery, often
-- still in flight on another connection). done() prints one JSON line.

local threads = {}

function setup(thread)
   thread:set("tid", #threads + 1)
   table.insert(threads, thread)
end

function init(args)
   mode = os.getenv("BENCH_MODE") or "single"
   size = tonumber(os.getenv("BENCH_BATCH") or "50")
   prefix = os.getenv("BENCH_PREFIX") or "wrk"
   dup_every = tonumber(os.getenv("BENCH_DUP_EVERY") or "0")
   headers = {
      ["Content-Type"] = "application/json",
      ["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or ""),
   }
   counter = 0      -- unique ids made by this thread
   sent = 0         -- requests made by this thread
   duplicates = 0   -- duplicate deliveries among them
   statuses = {}
end

local function event(id)
   return '{"id":"' .. id .. '","type":"customer.upserted",'
      .. '"occurred_at":"2026-02-01T00:00:00Z","schema_version":1,"livemode":false,'
      .. '"data":{"customer_id":"cus_' .. id .. '","email":"' .. id .. '@example.com"}}'
end

local function new_id()
   counter = counter + 1
   return prefix .. "_" .. tid .. "_" .. counter
end

function request()
   sent = sent + 1
   if mode == "peer" then
      return wrk.format("GET", "/web/health")
   end
   local body
   if mode == "batch" then
      local parts = {}
      for i = 1, size do
         parts[i] = event(new_id())
      end
      body = "[" .. table.concat(parts, ",") .. "]"
   elseif dup_every > 0 and sent % dup_every == 0 and counter > 2 then
      duplicates = duplicates + 1
      body = event(prefix .. "_" .. tid .. "_" .. (counter - 1))
   else
      body = event(new_id())
   end
   return wrk.format("POST", "/saas/api/v1/events", headers, body)
end

function response(status, headers, body)
   local key = tostring(status)
   statuses[key] = (statuses[key] or 0) + 1
end

function done(summary, latency, requests)
   local mode = os.getenv("BENCH_MODE") or "single"
   local size = tonumber(os.getenv("BENCH_BATCH") or "50")
   local prefix = os.getenv("BENCH_PREFIX") or "wrk"
   local unique, made, dups, merged = 0, 0, 0, {}
   for _, thread in ipairs(threads) do
      unique = unique + thread:get("counter")
      made = made + thread:get("sent")
      dups = dups + thread:get("duplicates")
      for status, count in pairs(thread:get("statuses")) do
         merged[status] = (merged[status] or 0) + count
      end
   end
   local parts = {}
   for status, count in pairs(merged) do
      table.insert(parts, '"' .. status .. '":' .. count)
   end
   local errors = summary.errors
   io.write(string.format(
      '{"mode":"%s","prefix":"%s","batch":%d,"answered":%d,"duration_us":%d,'
         .. '"p50_us":%d,"p90_us":%d,"p99_us":%d,"max_us":%d,"requests_made":%d,'
         .. '"unique_ids":%d,"duplicate_deliveries":%d,"statuses":{%s},'
         .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d}}\n',
      mode, prefix, mode == "batch" and size or (mode == "single" and 1 or 0),
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      made, unique, dups, table.concat(parts, ","),
      errors.connect, errors.read, errors.write, errors.status, errors.timeout))
end
