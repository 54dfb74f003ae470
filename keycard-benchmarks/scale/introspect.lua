-- wrk script of keycard-benchmarks/scale.sh: token introspection (RFC 7662) of one token.
--   SCALE_AUTHORIZATION  the introspecting client's Authorization header ("Basic ...")
--   SCALE_TOKEN          the token to introspect
local authorization = os.getenv("SCALE_AUTHORIZATION")
local token = os.getenv("SCALE_TOKEN")
if authorization == nil or token == nil then
  error("introspect.lua: set SCALE_AUTHORIZATION and SCALE_TOKEN")
end
wrk.method = "POST"
wrk.body = "token=" .. token
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
wrk.headers["Authorization"] = authorization

dofile((debug.getinfo(1, "S").source:match("^@(.*/)") or "./") .. "../result.lua")
