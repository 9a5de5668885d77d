-- Load through the balancer, for wrk. MIX picks the requests:
--   mixed    8/20 predictions by returning visitors (cookie), 4/20 by a token client,
--            5/20 history pages, 3/20 result pages of the visitor's own predictions
--   predict  predictions by returning visitors only;  token  by the token client only
--   history  history pages only;                      result result pages only
-- Env: COOKIES (fp_session values, space-separated), RESULTS (/predictions/ID of each
-- cookie's first prediction, same order), TOKEN, FIXTURES (league:home:away, space-separated,
-- `_` for spaces in names), THINK_MS (mean pause between one connection's requests; 0: none),
-- OUT (file prefix: OUT-N.ids gets every prediction id answered 200, OUT-N.fails the time and
-- status of every failed answer).
local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } fp_timespec;
  int clock_gettime(int clock, fp_timespec *t);
]]
local ts = ffi.new("fp_timespec")
local function now()
  ffi.C.clock_gettime(0, ts)
  return tonumber(ts.tv_sec) + tonumber(ts.tv_nsec) / 1e9
end

local count = 0
function setup(thread)
  count = count + 1
  thread:set("thread_id", count)
end

local function words(s)
  local t = {}
  for w in string.gmatch(s or "", "%S+") do t[#t + 1] = w end
  return t
end

function init(args)
  cookies = words(os.getenv("COOKIES"))
  results = words(os.getenv("RESULTS"))
  fixtures = {}
  for _, f in ipairs(words(os.getenv("FIXTURES"))) do
    local league, home, away = string.match(f, "([^:]+):([^:]+):([^:]+)")
    fixtures[#fixtures + 1] = string.format('{"league":"%s","home_team":"%s","away_team":"%s"}',
      league, (home:gsub("_", " ")), (away:gsub("_", " ")))
  end
  token = os.getenv("TOKEN") or ""
  think = tonumber(os.getenv("THINK_MS") or "0")
  mix = os.getenv("MIX") or "mixed"
  local out = os.getenv("OUT") or "/tmp/fp-load"
  ids = io.open(out .. "-" .. thread_id .. ".ids", "a")
  fails = io.open(out .. "-" .. thread_id .. ".fails", "a")
  n = thread_id * 7919
  math.randomseed(thread_id)
end

local function kind()
  if mix ~= "mixed" then return mix end
  local k = n % 20
  if k < 8 then return "predict" elseif k < 12 then return "token"
  elseif k < 17 then return "history" else return "result" end
end

function request()
  n = n + 1
  local i = (n % #cookies) + 1
  local cookie = "fp_session=" .. cookies[i]
  local what = kind()
  if what == "predict" or what == "token" then
    local headers = { ["Content-Type"] = "application/json" }
    if what == "predict" then headers["Cookie"] = cookie
    else headers["Authorization"] = "Bearer " .. token end
    return wrk.format("POST", "/api/predict", headers, fixtures[(n % #fixtures) + 1])
  elseif what == "history" then
    return wrk.format("GET", "/history", { ["Cookie"] = cookie })
  else
    return wrk.format("GET", results[i], { ["Cookie"] = cookie })
  end
end

function delay()
  if think > 0 then return math.random(think / 2, think * 3 / 2) end
  return 0
end

function response(status, headers, body)
  if status == 200 then
    local id = string.match(body, '^{"id":(%d+),')
    if id then ids:write(id, "\n"); ids:flush() end
  elseif status >= 400 then
    fails:write(string.format("%.3f %d\n", now(), status)); fails:flush()
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests %d socket_errors %d (connect %d read %d write %d timeout %d) p50_ms %.2f p99_ms %.2f max_ms %.2f\n",
    summary.requests, e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
