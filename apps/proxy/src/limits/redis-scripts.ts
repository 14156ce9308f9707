import { LuaScript } from '../redis/lua-script'

/*
 * The Lua behind the Redis limit counters (docs/contract.md §10: exact across replicas, atomic
 * scripts). Every script takes its clock in ARGV, never Redis `TIME`, so replicas agree on the
 * caller's time and tests drive it with a fake clock. All times are whole epoch ms. Check kinds:
 *   slots    concurrency: ZSET request id -> lease expiry
 *   log      rpm: ZSET request id -> admit time; an entry counts while now - time < window
 *   sum      tpm, cost_5h_usd: HASH bucket start -> amount; a bucket counts while any part of it
 *            is in the window (start + bucket > now - window), so sums never under-count
 *   counter  calendar and all-time spend: one number
 */

/** Sums the buckets of a HASH still in the window; their starts oldest first. */
const SUMMED = `
local function summed(key, now, win, bucket)
  local flat = redis.call('HGETALL', key)
  local starts, values, used = {}, {}, 0
  for j = 1, #flat, 2 do
    local s = tonumber(flat[j])
    if s + bucket > now - win then
      local v = tonumber(flat[j + 1])
      used = used + v
      starts[#starts + 1] = s
      values[s] = v
    end
  end
  table.sort(starts)
  return used, starts, values
end
`

/**
 * admit. KEYS: one per check, in order. ARGV: now, leaseMs, requestId, then per check: kind, cap,
 * windowMs, bucketMs. Checks all first (dropping expired leases and log entries on the way), then,
 * only if every one passed, takes a slot and an rpm unit under the request id. Answers {0, -1} when
 * admitted, else {1-based index of the refusing check, freesAt ms or -1}.
 */
export const ADMIT = new LuaScript(`${SUMMED}
local now = tonumber(ARGV[1])
local lease = tonumber(ARGV[2])
local rid = ARGV[3]
for i = 1, #KEYS do
  local key = KEYS[i]
  local a = 3 + (i - 1) * 4
  local kind, cap = ARGV[a + 1], tonumber(ARGV[a + 2])
  local win, bucket = tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  if kind == 'slots' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now)
    if redis.call('ZCARD', key) >= cap then return {i, -1} end
  elseif kind == 'log' then
    redis.call('ZREMRANGEBYSCORE', key, '-inf', now - win)
    local count = redis.call('ZCARD', key)
    if count >= cap then
      local frees = -1
      local room = math.ceil(cap)
      if room >= 1 then
        -- Room frees when the entry that brings the count below the cap leaves the window.
        local e = redis.call('ZRANGE', key, count - room, count - room, 'WITHSCORES')
        frees = tonumber(e[2]) + win
      end
      return {i, frees}
    end
  elseif kind == 'sum' then
    local used, starts, values = summed(key, now, win, bucket)
    if used >= cap then
      local frees, left = -1, used
      for _, s in ipairs(starts) do
        left = left - values[s]
        if left < cap then
          frees = s + bucket + win
          break
        end
      end
      return {i, frees}
    end
  else
    if tonumber(redis.call('GET', key) or '0') >= cap then return {i, -1} end
  end
end
for i = 1, #KEYS do
  local a = 3 + (i - 1) * 4
  local kind = ARGV[a + 1]
  if kind == 'slots' then
    redis.call('ZADD', KEYS[i], now + lease, rid)
    redis.call('PEXPIRE', KEYS[i], lease + 1000)
  elseif kind == 'log' then
    redis.call('ZADD', KEYS[i], now, rid)
    redis.call('PEXPIRE', KEYS[i], tonumber(ARGV[a + 3]) + 1000)
  end
end
return {0, -1}
`)

/**
 * record. KEYS: per subject, its tpm hash, cost_5h hash, day, week and month counters (of the
 * periods containing the usage's time) and total counter. ARGV: tokens, cost (decimal string),
 * tpm field, tpm prune-at-or-below, tpm TTL, 5h field, 5h prune-at-or-below, 5h TTL, day TTL,
 * week TTL, month TTL. Adds the usage everywhere and drops buckets that left their window.
 */
export const RECORD = new LuaScript(`
local tokens, cost = tonumber(ARGV[1]), ARGV[2]
local function add(key, field, amount, float, prune, ttl)
  if float then
    redis.call('HINCRBYFLOAT', key, field, amount)
  else
    redis.call('HINCRBY', key, field, amount)
  end
  for _, f in ipairs(redis.call('HKEYS', key)) do
    if tonumber(f) <= prune then redis.call('HDEL', key, f) end
  end
  redis.call('PEXPIRE', key, ttl)
end
for s = 0, #KEYS / 6 - 1 do
  local k = s * 6
  if tokens > 0 then add(KEYS[k + 1], ARGV[3], ARGV[1], false, tonumber(ARGV[4]), ARGV[5]) end
  if tonumber(cost) > 0 then
    add(KEYS[k + 2], ARGV[6], cost, true, tonumber(ARGV[7]), ARGV[8])
    for p = 0, 2 do
      redis.call('INCRBYFLOAT', KEYS[k + 3 + p], cost)
      redis.call('PEXPIRE', KEYS[k + 3 + p], ARGV[9 + p])
    end
    redis.call('INCRBYFLOAT', KEYS[k + 6], cost)
  end
end
return 0
`)

/**
 * seedSpend. KEYS: one subject's cost_5h hash, day, week, month and total counters. ARGV: 5h TTL,
 * day TTL, week TTL, month TTL, day, week, month, total, then 5h bucket start and sum pairs.
 * Raises each window to the store's committed spend where the store holds more, never lowers one
 * (see redis-counters.ts: both sources under-count, so the larger never double counts).
 */
export const SEED = new LuaScript(`
local function raise(key, value, ttl)
  if tonumber(value) > tonumber(redis.call('GET', key) or '0') then
    redis.call('SET', key, value)
  end
  if ttl then redis.call('PEXPIRE', key, ttl) end
end
raise(KEYS[2], ARGV[5], ARGV[2])
raise(KEYS[3], ARGV[6], ARGV[3])
raise(KEYS[4], ARGV[7], ARGV[4])
raise(KEYS[5], ARGV[8], nil)
local touched = false
for j = 9, #ARGV, 2 do
  if tonumber(ARGV[j + 1]) > tonumber(redis.call('HGET', KEYS[1], ARGV[j]) or '0') then
    redis.call('HSET', KEYS[1], ARGV[j], ARGV[j + 1])
    touched = true
  end
end
if touched then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
return 0
`)

/**
 * windows (reads only). KEYS: one per check. ARGV: now, then per check: kind, windowMs, bucketMs.
 * Answers per check {used as a decimal string, when the window next frees room in ms or -1}.
 */
export const WINDOWS = new LuaScript(`${SUMMED}
local now = tonumber(ARGV[1])
local out = {}
for i = 1, #KEYS do
  local key = KEYS[i]
  local a = 1 + (i - 1) * 3
  local kind, win, bucket = ARGV[a + 1], tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3])
  local used, frees = 0, -1
  if kind == 'slots' then
    used = redis.call('ZCOUNT', key, now + 1, '+inf')
  elseif kind == 'log' then
    used = redis.call('ZCOUNT', key, now - win + 1, '+inf')
    local first = redis.call('ZRANGEBYSCORE', key, now - win + 1, '+inf', 'WITHSCORES', 'LIMIT', 0, 1)
    if #first == 2 then frees = tonumber(first[2]) + win end
  elseif kind == 'sum' then
    local starts
    used, starts = summed(key, now, win, bucket)
    if #starts > 0 then frees = starts[1] + bucket + win end
  else
    used = tonumber(redis.call('GET', key) or '0')
  end
  out[i] = {tostring(used), frees}
end
return out
`)
