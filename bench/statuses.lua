-- Counts the answers by status (printed as "statuses: 401=… 503=…" when wrk is done). Loaded
-- by the other scripts; BODY, CONTENT_TYPE, COOKIE and AUTHORIZATION come from the environment.
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  counts = {}
end

function response(status, headers, body)
  counts[status] = (counts[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for k, v in pairs(t:get("counts")) do
      total[k] = (total[k] or 0) + v
    end
  end
  local keys = {}
  for k in pairs(total) do table.insert(keys, k) end
  table.sort(keys)
  local line = "statuses:"
  for _, k in ipairs(keys) do line = line .. " " .. k .. "=" .. total[k] end
  print(line)
end

wrk.method = os.getenv("METHOD") or "GET"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = os.getenv("CONTENT_TYPE")
wrk.headers["Cookie"] = os.getenv("COOKIE")
wrk.headers["Authorization"] = os.getenv("AUTHORIZATION")
