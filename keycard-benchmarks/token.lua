-- wrk script of keycard-benchmarks/load.sh: every request is the same client_credentials token
-- request (RFC 6749 §4.4.2) on a keep-alive connection. load.sh passes the client's credentials
-- and the form body through the environment, so they never appear on a command line:
--   TOKEN_AUTHORIZATION  the Authorization header, "Basic base64(id:secret)"; empty when the body
--                        carries the client's authentication (a platform token, reused as a pod does)
--   TOKEN_BODY           grant_type=client_credentials&resource=<percent-encoded API identifier>
-- done() prints one line for load.sh to read, so no number is parsed out of wrk's text report.

local authorization = os.getenv("TOKEN_AUTHORIZATION")
local body = os.getenv("TOKEN_BODY")
if body == nil or body == "" then
  error("token.lua: set TOKEN_BODY")
end
if (authorization == nil or authorization == "") and not body:find("client_assertion=", 1, true) then
  error("token.lua: set TOKEN_AUTHORIZATION, or a client_assertion in TOKEN_BODY")
end

local pause = tonumber(os.getenv("TOKEN_DELAY_MS") or "0") or 0
if pause > 0 then
  -- wrk waits this long after each answer before the connection's next request (--rate).
  function delay()
    return pause
  end
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
if authorization ~= nil and authorization ~= "" then
  wrk.headers["Authorization"] = authorization
end

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "result.lua")
