-- wrk script: POST an assessment to one of the families the token's user leads, in turn.
local families = {}
local counter = 0
local token = os.getenv("BENCH_TOKEN")
local today = os.getenv("BENCH_TODAY")
for id in string.gmatch(os.getenv("BENCH_FAMILIES"), "%d+") do table.insert(families, id) end

request = function()
  counter = counter + 1
  local family = families[(counter % #families) + 1]
  local level = ({"unsustainable", "exposed", "stable", "sustainable"})[(counter % 4) + 1]
  local body = string.format(
    '{"assessed_on": "%s", "levels": {"housing": "%s", "work": "exposed", "health": "stable"},' ..
    ' "rationale": {"housing": "Ny leiekontrakt"}}', today, level)
  return wrk.format("POST", "/api/v1/families/" .. family .. "/assessments",
    {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}, body)
end
