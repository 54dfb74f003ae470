-- Shared by the wrk scripts here: done() prints one line, all times in microseconds; non2xx is
-- what wrk reports as "Non-2xx or 3xx responses". Load with
--   dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "KEYCARD_RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect, e.read, e.write, e.timeout))
end
