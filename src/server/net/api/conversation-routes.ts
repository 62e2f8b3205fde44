/**
 * The routes of one conversation: its view, its transcript (JSON and text), its close.
 */
import type { ServerResponse } from 'node:http'
import { apiCloseStep } from '../../engine/back-office.js'
import type { Conversation } from '../../engine/types.js'
import { summaryOf } from '../../webhooks/events-of.js'
import type { ServerContext } from '../context.js'
import { apiViewOf } from '../snapshot.js'
import { mayRead, type Caller } from './caller.js'
import { apiError, sendJson } from './respond.js'
import { transcriptText } from './transcript.js'

/** The conversation `id` if `caller` may read it; otherwise answers 404 or 403 and resolves undefined. */
async function readable(ctx: ServerContext, caller: Caller, id: string, res: ServerResponse): Promise<Conversation | undefined> {
  const conv = await ctx.store.get(id)
  if (!conv) return void apiError(res, 'not-found', 'no such conversation')
  if (!mayRead(caller, conv)) return void apiError(res, 'forbidden', 'this conversation is not yours to read')
  return conv
}

/** `GET /api/conversations/{id}`: the snapshot agents get, with its state history. */
export async function getConversation(ctx: ServerContext, caller: Caller, id: string, res: ServerResponse): Promise<void> {
  const conv = await readable(ctx, caller, id, res)
  if (conv) sendJson(res, 200, await apiViewOf(conv, ctx.store, ctx.config, ctx.now()))
}

/** `GET /api/conversations/{id}/transcript`. */
export async function getTranscript(ctx: ServerContext, caller: Caller, id: string, res: ServerResponse): Promise<void> {
  const conv = await readable(ctx, caller, id, res)
  if (!conv) return
  const items = await ctx.store.transcript(id)
  sendJson(res, 200, { conversation: summaryOf(conv), items })
}

/** `GET /api/conversations/{id}/transcript.txt`. */
export async function getTranscriptText(ctx: ServerContext, caller: Caller, id: string, res: ServerResponse): Promise<void> {
  const conv = await readable(ctx, caller, id, res)
  if (!conv) return
  const text = transcriptText(conv, await ctx.store.transcript(id))
  res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
  res.end(text)
}

/**
 * `POST /api/conversations/{id}/close`: through the engine's close rule (see apiCloseStep), so the
 * customer and the consoles see the close as any other, and webhooks send it.
 */
export async function closeConversation(ctx: ServerContext, caller: Caller, id: string, res: ServerResponse): Promise<void> {
  const conv = await readable(ctx, caller, id, res)
  if (!conv) return
  const by = caller.kind === 'admin' ? { admin: true as const } : { agentId: caller.agent.id }
  let refused = false
  const result = await ctx.service.run(id, (c, now) => {
    const step = apiCloseStep(c, by, now, ctx.config)
    refused = step === null
    return step
  })
  if (!result) return apiError(res, 'not-found', 'no such conversation')
  if (refused) {
    const why = result.conversation.status === 'closed' ? 'the conversation is closed already' : `an agent closes only its own active or wrap-up chat (this one is ${result.conversation.status})`
    return apiError(res, 'conflict', why)
  }
  sendJson(res, 200, { conversation: summaryOf(result.conversation) })
}
