-- wrk script of keycard-benchmarks/scale.sh: each request is a client_credentials token request
-- (RFC 6749 §4.4.2) from a client picked at random among those scale.sh created.
--   SCALE_CREDENTIALS  a file with one Authorization header value ("Basic ...") per line
--   SCALE_BODY         grant_type=client_credentials&resource=<percent-encoded API identifier>
--   SCALE_ORDER        "random" (the default): each request picks a line at random; "walk": each
--                      thread walks the file's lines in turn from a random start, so every request
--                      is another client and the server sees them in the file's order (shuffle
--                      the file with shuf for an order unrelated to the clients' creation)
-- done() prints one line for scale.sh, as keycard-benchmarks/token.lua does.

local file = os.getenv("SCALE_CREDENTIALS")
local body = os.getenv("SCALE_BODY")
local walk = os.getenv("SCALE_ORDER") == "walk"
if file == nil or body == nil then
  error("random-client.lua: set SCALE_CREDENTIALS and SCALE_BODY")
end
if not walk and (os.getenv("SCALE_ORDER") or "random") ~= "random" then
  error("random-client.lua: SCALE_ORDER is random or walk")
end
local credentials = {}
for line in io.lines(file) do
  credentials[#credentials + 1] = line
end
if #credentials == 0 then
  error("random-client.lua: no credentials in " .. file)
end

local next_line = 0

function init(args)
  math.randomseed(os.time() + (tonumber(tostring({}):match("0x(%x+)"), 16) or 0))
  next_line = math.random(#credentials)
end

function request()
  local headers = {}
  headers["Content-Type"] = "application/x-www-form-urlencoded"
  if walk then
    next_line = next_line % #credentials + 1
    headers["Authorization"] = credentials[next_line]
  else
    headers["Authorization"] = credentials[math.random(#credentials)]
  end
  return wrk.format("POST", "/oauth2/token", headers, body)
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../result.lua")
