-- wrk script of keycard-benchmarks/assertions.sh: token requests each with something used once,
-- made beforehand by ScaleDriver, one per line, a file per wrk thread:
--   ASSERTION_BODIES  the files' path, without its ".N" suffix (N = 1, 2, ... per thread)
--   ASSERTION_HEADER  unset: each line is a request body (private_key_jwt, its own assertion);
--                     set (e.g. DPoP): each line is that header's value (its own DPoP proof), the
--                     body TOKEN_BODY and the Authorization header TOKEN_AUTHORIZATION
local prefix = os.getenv("ASSERTION_BODIES")
if prefix == nil or prefix == "" then
  error("assertion.lua: set ASSERTION_BODIES")
end
local line_header = os.getenv("ASSERTION_HEADER")

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
    local headers = {["Content-Type"] = "application/x-www-form-urlencoded"}
    local body = line
    if line_header ~= nil and line_header ~= "" then
      headers[line_header] = line
      headers["Authorization"] = os.getenv("TOKEN_AUTHORIZATION")
      body = os.getenv("TOKEN_BODY")
    end
    requests[#requests + 1] = wrk.format("POST", "/oauth2/token", headers, body)
  end
end

function request()
  local r = requests[next_request]
  if r == nil then
    return requests[1] -- out of lines: a replay, which Keycard refuses and done() counts
  end
  next_request = next_request + 1
  return r
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../result.lua")
