-- wrk script for bench/newsroom_day.py: a fixed mix of page kinds, latency per kind.
--
-- wrk -t N -c N (one connection per thread, so each response follows its own request) -s this
-- script -- MODE PATHFILE. PATHFILE has one "kind path" per line. MODE "day": the lines of kind
-- "article" are chosen by a Zipf distribution (s = 1.1) over their order (the first is the
-- most read), the other kinds by their weights below. MODE "cycle": each thread goes through
-- the lines in order, starting at its own offset, whatever their kind.
-- done() prints one JSON line per kind: requests, errors (not 200), p50 and p99 in ms.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } timespec;
  int clock_gettime(int clk_id, timespec *tp);
]]
local ts = ffi.new("timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

-- Share of requests per kind in "day" mode (the rest of a group's share is spread by weight).
local MIX = {
  { "article", 0.65 },
  { "home", 0.15 }, { "list", 0.10 },          -- 25% home and list pages
  { "feed", 0.06 }, { "sitemap", 0.01 }, { "search", 0.03 }, -- 10% feeds, sitemaps, search
}
local ZIPF_S = 1.1
-- wrk copies flat tables between threads (not nested ones): one global per kind.
local KINDS = { "article", "home", "list", "feed", "sitemap", "search" }

local threads = {}
local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("thread_number", counter)
  table.insert(threads, thread)
end

function init(args)
  mode = args[1]
  paths, by_kind = {}, {}
  for line in io.lines(args[2]) do
    local kind, path = line:match("^(%S+) (%S+)$")
    if kind then
      table.insert(paths, { kind, path })
      by_kind[kind] = by_kind[kind] or {}
      table.insert(by_kind[kind], path)
    end
  end
  local articles = by_kind["article"] or {}
  cdf, total = {}, 0
  for rank = 1, #articles do
    total = total + rank ^ -ZIPF_S
    cdf[rank] = total
  end
  math.randomseed(thread_number * 7919)
  position = (thread_number - 1) * math.floor(#paths / 8)
  for _, kind in ipairs(KINDS) do
    _G["latency_" .. kind], _G["errors_" .. kind] = {}, 0
  end
  current, started = nil, 0
end

local function zipf_rank()
  local u, lo, hi = math.random() * total, 1, #cdf
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if cdf[mid] < u then lo = mid + 1 else hi = mid end
  end
  return lo
end

local function choose()
  if mode == "cycle" then
    position = position % #paths + 1
    return paths[position][1], paths[position][2]
  end
  local u = math.random()
  for _, entry in ipairs(MIX) do
    local kind, share = entry[1], entry[2]
    if u < share and by_kind[kind] then
      if kind == "article" then return kind, by_kind[kind][zipf_rank()] end
      local list = by_kind[kind]
      return kind, list[math.random(#list)]
    end
    u = u - share
  end
  return "article", by_kind["article"][zipf_rank()]
end

function request()
  local path
  current, path = choose()
  started = now_ms()
  return wrk.format("GET", path)
end

function response(status, headers, body)
  local took = now_ms() - started
  table.insert(_G["latency_" .. current], took)
  if status ~= 200 then _G["errors_" .. current] = _G["errors_" .. current] + 1 end
end

local function percentile(sorted, p)
  if #sorted == 0 then return 0 end
  return sorted[math.max(1, math.ceil(#sorted * p))]
end

function done(summary, latency, requests)
  for _, kind in ipairs(KINDS) do
    local values, errors = {}, 0
    for _, thread in ipairs(threads) do
      for _, v in ipairs(thread:get("latency_" .. kind)) do table.insert(values, v) end
      errors = errors + thread:get("errors_" .. kind)
    end
    if #values > 0 then
      table.sort(values)
      io.write(string.format(
        '{"kind": "%s", "requests": %d, "errors": %d, "p50": %.3f, "p99": %.3f}\n',
        kind, #values, errors, percentile(values, 0.5), percentile(values, 0.99)))
    end
  end
end
