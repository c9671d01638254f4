-- wrk script: GET one family (JSON or page) of those the token's user leads, in turn.
local families = {}
local counter = 0
local token = os.getenv("BENCH_TOKEN")
local template = os.getenv("BENCH_PATH") or "/api/v1/families/%s"
local cookie = os.getenv("BENCH_COOKIE")
for id in string.gmatch(os.getenv("BENCH_FAMILIES"), "%d+") do table.insert(families, id) end

request = function()
  counter = counter + 1
  local headers = {}
  if cookie then headers["Cookie"] = cookie else headers["Authorization"] = "Bearer " .. token end
  return wrk.format("GET", string.format(template, families[(counter % #families) + 1]), headers)
end
