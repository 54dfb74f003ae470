-- wrk script of keycard-benchmarks/assertions.sh: token requests authenticated with
-- private_key_jwt, each with its own assertion (an assertion is used once). The bodies are made
-- beforehand by ScaleDriver's assertions mode, one per line, a file per wrk thread:
--   ASSERTION_BODIES  the files' path, without its ".N" suffix (N = 1, 2, ... per thread)
local prefix = os.getenv("ASSERTION_BODIES")
if prefix == nil or prefix == "" then
  error("assertion.lua: set ASSERTION_BODIES")
end

local counter = 0
function setup(thread)
  counter = counter + 1
  thread:set("id", counter)
end

-- Each request is formatted once, at init (before wrk starts its clock), so that the run costs wrk
-- no more per request than a static one does.
local requests = {}
local next_request = 1
function init(args)
  for line in io.lines(prefix .. "." .. id) do
    requests[#requests + 1] = wrk.format("POST", "/oauth2/token",
      {["Content-Type"] = "application/x-www-form-urlencoded"}, line)
  end
end

function request()
  local r = requests[next_request]
  if r == nil then
    return requests[1] -- out of assertions: a replay, which Keycard refuses and done() counts
  end
  next_request = next_request + 1
  return r
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../result.lua")
