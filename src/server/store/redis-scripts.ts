/**
 * The Lua scripts of the Redis store. Each declares every key it touches in KEYS and runs a fixed
 * set of commands (Redis's EVAL contract, and what a cluster needs to route it); none runs commands
 * named in its arguments. A record is compared by its revision (a counter beside it, raised by every
 * write) rather than by its whole JSON, so a write sends the new record once and nothing else of it.
 */
import { createHash } from 'node:crypto'

/** The part of a node-redis client the scripts use. */
export interface ScriptClient {
  evalSha(sha1: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>
}

/** A script called by its hash (EVALSHA); sent whole only when Redis does not hold it (NOSCRIPT, after a restart). */
export class Script {
  readonly sha1: string

  constructor(readonly source: string) {
    this.sha1 = createHash('sha1').update(source).digest('hex')
  }

  async run(client: ScriptClient, keys: string[], args: string[]): Promise<unknown> {
    const options = { keys, arguments: args }
    try {
      return await client.evalSha(this.sha1, options)
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error
      // EVAL caches it: the next call by hash finds it.
      return client.eval(this.source, options)
    }
  }
}

/**
 * Writes a conversation if its revision is still the one read ('' when creating: only if there is no
 * record yet) and none of its new messages' client ids is recorded. Returns 1 when written, 0 when
 * another write came first (the caller reads again), or, writing nothing, { client id, ack, ... } of
 * the client ids already recorded (the caller drops those messages and calls again).
 *
 * KEYS: 1 record, 2 revision, 3 items, 4 acks, 5 status set left, 6 status set entered, 7 agent set
 * left, 8 agent set entered, 9 deadlines, 10 deadline data.
 * ARGV: 1 revision read, 2 record, 3 conversation id, 4 items (JSON array of JSON strings), 5 acks
 * (JSON array: client id, ack, ...), 6 four flags, '1' or '0': leaves a status set, enters one,
 * leaves an agent set, enters one; 7 deadlines ('' to leave them, else a JSON array of [member, at,
 * data]), 8 every deadline member the conversation can have (JSON array).
 * Signed customer identity: KEYS 11 the customer's live-conversation key, 12 its conversations
 * (sorted by creation); ARGV 9 '' (no `sub`), 'live' or 'ended', 10 the creation time.
 * Routing: KEYS 13 the shard's queue (sorted set, score `statusAt`), 14 the index of the agent that
 * held it (engine/routing.ts `heldFor`), 15 of the agent that holds it now; ARGV 11 its member in
 * the queue, 12 two flags, '1' or '0' (leaves the agent index, enters one), ':', then '' (queue
 * untouched), '-' (leaves the queue) or the score it enters or moves to. A closed conversation is
 * in neither, so REMOVE_CONVERSATION has nothing of them to clear.
 * Client-id dedup: ARGV 13 the client ids of the new messages (JSON array; '' when none), looked up
 * in KEYS 4. Fan-out: ARGV 14 the change's message ('' for none), published with SPUBLISH to KEYS
 * 16, the conversation's sharded channel (in its shard: a cluster runs it on the node of the keys).
 */
export const COMMIT_CONVERSATION = new Script(`
local rev = redis.call('GET', KEYS[2]) or '0'
if ARGV[1] == '' then
  if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
elseif rev ~= ARGV[1] then
  return 0
end
if ARGV[13] ~= nil and ARGV[13] ~= '' then
  local ids = cjson.decode(ARGV[13])
  local acks = redis.call('HMGET', KEYS[4], unpack(ids))
  local known = {}
  for i, clientId in ipairs(ids) do
    if acks[i] then
      table.insert(known, clientId)
      table.insert(known, acks[i])
    end
  end
  if #known > 0 then return known end
end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('INCR', KEYS[2])
local items = cjson.decode(ARGV[4])
if #items > 0 then redis.call('RPUSH', KEYS[3], unpack(items)) end
local acks = cjson.decode(ARGV[5])
if #acks > 0 then redis.call('HSET', KEYS[4], unpack(acks)) end
local id, flags = ARGV[3], ARGV[6]
if string.sub(flags, 1, 1) == '1' then redis.call('SREM', KEYS[5], id) end
if string.sub(flags, 2, 2) == '1' then redis.call('SADD', KEYS[6], id) end
if string.sub(flags, 3, 3) == '1' then redis.call('SREM', KEYS[7], id) end
if string.sub(flags, 4, 4) == '1' then redis.call('SADD', KEYS[8], id) end
if ARGV[7] ~= '' then
  local members = cjson.decode(ARGV[8])
  redis.call('ZREM', KEYS[9], unpack(members))
  redis.call('HDEL', KEYS[10], unpack(members))
  for _, d in ipairs(cjson.decode(ARGV[7])) do
    redis.call('ZADD', KEYS[9], d[2], d[1])
    redis.call('HSET', KEYS[10], d[1], d[3])
  end
end
if ARGV[9] == 'live' then
  redis.call('SET', KEYS[11], id)
  redis.call('ZADD', KEYS[12], ARGV[10], id)
elseif ARGV[9] == 'ended' and redis.call('GET', KEYS[11]) == id then
  redis.call('DEL', KEYS[11])
end
local moves = ARGV[12]
if string.sub(moves, 1, 1) == '1' then redis.call('SREM', KEYS[14], id) end
if string.sub(moves, 2, 2) == '1' then redis.call('SADD', KEYS[15], id) end
local queue = string.sub(moves, 4)
if queue == '-' then
  redis.call('ZREM', KEYS[13], ARGV[11])
elseif queue ~= '' then
  redis.call('ZADD', KEYS[13], queue, ARGV[11])
end
if ARGV[14] ~= nil and ARGV[14] ~= '' then redis.call('SPUBLISH', KEYS[16], ARGV[14]) end
return 1
`)

/**
 * Removes a closed conversation (record, revision, items, acks, set memberships, deadlines) if its
 * revision is still the one read. KEYS: 1 record, 2 revision, 3 items, 4 acks, 5 closed set, 6 its
 * agent's set, 7 deadlines, 8 deadline data. ARGV: 1 revision read, 2 id, 3 every deadline member
 * (JSON array), 4 '1' when it has an agent. Internal notes: KEYS 9 the notes, 10 their client ids.
 * Signed customer identity: KEYS 11 the customer's conversations in this shard (sorted set; a key of
 * nothing when anonymous).
 */
export const REMOVE_CONVERSATION = new Script(`
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[9], KEYS[10])
redis.call('SREM', KEYS[5], ARGV[2])
if ARGV[4] == '1' then redis.call('SREM', KEYS[6], ARGV[2]) end
local members = cjson.decode(ARGV[3])
redis.call('ZREM', KEYS[7], unpack(members))
redis.call('HDEL', KEYS[8], unpack(members))
redis.call('ZREM', KEYS[11], ARGV[2])
return 1
`)

/** Writes an agent record if its revision is still the one read. KEYS: 1 record, 2 revision, 3 set of agents. ARGV: 1 revision read, 2 record, 3 id. */
export const COMMIT_AGENT = new Script(`
if (redis.call('GET', KEYS[2]) or '0') ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('SADD', KEYS[3], ARGV[3])
return 1
`)

/** Removes and returns the due deadlines in one step, so two processes never both claim one. KEYS: 1 deadlines, 2 deadline data. ARGV: 1 now, 2 how many at most. */
export const CLAIM_DUE = new Script(`
local members = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
local out = {}
for _, member in ipairs(members) do
  redis.call('ZREM', KEYS[1], member)
  local data = redis.call('HGET', KEYS[2], member)
  redis.call('HDEL', KEYS[2], member)
  if data then table.insert(out, data) end
end
return out
`)

/** Deletes a lock only if it is still ours (it may have expired and been taken by another process). KEYS: 1 lock. ARGV: 1 our token. */
export const RELEASE_LOCK = new Script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`)

/**
 * Appends an internal note unless its client id is recorded (then returns that one). The id is made
 * here from the list's length; the note's JSON is spliced, not re-encoded (cjson would rewrite its
 * numbers). KEYS: 1 notes, 2 note client ids (-> index), 3 the conversation's record. ARGV: 1 client
 * id, 2 conversation id, 3 the note's JSON without its id. Returns nil when the conversation is
 * unknown, else { 1 if a repeat else 0, the note's JSON }.
 */
export const ADD_NOTE = new Script(`
if redis.call('EXISTS', KEYS[3]) == 0 then return false end
local known = redis.call('HGET', KEYS[2], ARGV[1])
if known then return { 1, redis.call('LINDEX', KEYS[1], tonumber(known)) } end
local n = redis.call('LLEN', KEYS[1])
local raw = '{"id":' .. cjson.encode(ARGV[2] .. '.n' .. (n + 1)) .. ',' .. string.sub(ARGV[3], 2)
redis.call('RPUSH', KEYS[1], raw)
redis.call('HSET', KEYS[2], ARGV[1], n)
return { 0, raw }
`)
