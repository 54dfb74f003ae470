-- wrk script of keycard-benchmarks/scale.sh: each request is a client_credentials token request
-- (RFC 6749 §4.4.2) from a client picked at random among those scale.sh created.
--   SCALE_CREDENTIALS  a file with one Authorization header value ("Basic ...") per line
--   SCALE_BODY         grant_type=client_credentials&resource=<percent-encoded API identifier>
-- done() prints one line for scale.sh, as keycard-benchmarks/token.lua does.

local file = os.getenv("SCALE_CREDENTIALS")
local body = os.getenv("SCALE_BODY")
if file == nil or body == nil then
  error("random-client.lua: set SCALE_CREDENTIALS and SCALE_BODY")
end
local credentials = {}
for line in io.lines(file) do
  credentials[#credentials + 1] = line
end
if #credentials == 0 then
  error("random-client.lua: no credentials in " .. file)
end

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
end

function request()
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  headers["Authorization"] = credentials[math.random(#credentials)]
  return wrk.format("POST", "/oauth2/token", headers, body)
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../result.lua")
