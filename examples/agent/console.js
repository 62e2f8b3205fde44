// The demo agent console: plain DOM on top of the agent SDK (holdline/agent).
import { createAgent } from '/dist/agent.js'

const $ = (selector, root = document) => root.querySelector(selector)
const token = new URLSearchParams(location.hash.slice(1)).get('token')
const cards = new Map()
/** Local-clock deadlines, from durations measured at receipt: never compare server and client times. */
const presenceDeadlines = new Map()

if (!token) {
  const form = $('#login')
  form.hidden = false
  form.addEventListener('submit', (event) => {
    event.preventDefault()
    location.hash = `token=${encodeURIComponent(form.token.value)}`
    location.reload()
  })
} else {
  start(token)
}

function start(token) {
  const agent = createAgent({ url: location.origin, token })
  window.holdlineAgent = agent
  agent.on('connection', ({ state }) => ($('#connection').textContent = `Connection: ${state}`))
  agent.on('ready', ({ agent: me }) => ($('#connection').textContent = `Connected as ${me.name}`))
  agent.on('capacity', ({ used, total }) => ($('#capacity').textContent = `Capacity in use: ${used} / ${total}`))
  agent.on('offer', () => renderOffers(agent))
  agent.on('offer-withdrawn', () => renderOffers(agent))
  agent.on('conversation', (c) => {
    // Conversations from a (re)connect's snapshots: start a countdown not already running.
    if (c.presence) notePresence(c.presence, false)
    renderConversation(agent, c)
  })
  agent.on('message', ({ conversationId }) => {
    const c = agent.conversations.get(conversationId)
    if (c) renderConversation(agent, c)
    else renderOffers(agent)
  })
  agent.on('customer-presence', (p) => {
    notePresence(p, true)
    const c = agent.conversations.get(p.conversationId)
    if (c) renderConversation(agent, c)
  })
  agent.on('error', (error) => console.warn('holdline agent:', error.code, error.message))
  agent.connect().catch((error) => ($('#connection').textContent = `Refused: ${error.code}`))
  setInterval(() => {
    for (const c of agent.conversations.values()) renderPresence(c)
  }, 500)
}

function renderOffers(agent) {
  const list = $('#offers')
  list.replaceChildren()
  for (const offer of agent.offers.values()) {
    const item = document.createElement('li')
    item.dataset.testid = 'offer'
    const label = document.createElement('span')
    const firstMessage = offer.transcript.find((i) => i.kind === 'message' && i.from === 'customer')
    label.textContent = `${offer.customer.name ?? 'Customer'}${firstMessage ? `: ${firstMessage.text}` : ''}`
    const button = document.createElement('button')
    button.textContent = 'Accept'
    button.dataset.testid = 'accept'
    button.addEventListener('click', () => agent.accept(offer.id).catch((e) => alert(`Could not accept: ${e.code}`)))
    item.append(label, button)
    list.append(item)
  }
  $('#queue-empty').hidden = agent.offers.size > 0
}

function renderConversation(agent, c) {
  renderOffers(agent)
  let card = cards.get(c.id)
  if (!card) {
    card = $('#conversation-template').content.firstElementChild.cloneNode(true)
    card.dataset.conversationId = c.id
    $('.title', card).textContent = `${c.customer.name ?? 'Customer'} · ${c.id.slice(0, 8)}`
    $('.composer', card).addEventListener('submit', (event) => {
      event.preventDefault()
      const field = event.target.text
      const text = field.value.trim()
      if (!text) return
      field.value = ''
      agent.send(c.id, text).catch((e) => alert(`Not sent: ${e.code}`))
    })
    $('.composer textarea', card).addEventListener('input', () => agent.typing(c.id))
    $('.end', card).addEventListener('click', () => agent.end(c.id).catch((e) => alert(e.code)))
    $('.close', card).addEventListener('click', () => agent.close(c.id).catch((e) => alert(e.code)))
    $('#conversations').prepend(card)
    cards.set(c.id, card)
  }
  const status = $('.status', card)
  status.textContent = c.status
  status.dataset.status = c.status
  if (c.status === 'wrap-up' && c.wrapUpDeadline === undefined) status.textContent = 'wrap-up (closes automatically)'
  $('.composer button', card).disabled = c.status !== 'active'
  $('.end', card).disabled = c.status !== 'active'
  $('.close', card).disabled = c.status === 'closed'
  const log = $('.transcript', card)
  if (log.childElementCount !== c.transcript.length) {
    log.replaceChildren(...c.transcript.map(renderItem))
    // The scrolling box is the list's log wrapper.
    log.parentElement.scrollTop = log.parentElement.scrollHeight
  }
  renderPresence(c)
}

function renderItem(item) {
  const li = document.createElement('li')
  li.dataset.seq = String(item.seq)
  if (item.kind === 'status') {
    li.className = 'status-change'
    li.textContent = `Status: ${item.status} (${item.reason})`
  } else {
    li.dataset.from = item.from
    li.textContent = item.from === 'system' ? item.text : `${item.from === 'agent' ? item.agent?.name ?? 'Agent' : 'Customer'}: ${item.text}`
  }
  return li
}

/**
 * Server times are never compared with this machine's clock: what the server said was left of the
 * window (`remainingMs`, as it sent it) is counted down from receipt.
 */
function notePresence(p, restart) {
  if (p.state !== 'disconnected' || p.remainingMs === undefined) presenceDeadlines.delete(p.conversationId)
  else if (restart || !presenceDeadlines.has(p.conversationId)) presenceDeadlines.set(p.conversationId, performance.now() + p.remainingMs)
}

function renderPresence(c) {
  const card = cards.get(c.id)
  if (!card) return
  const el = $('.presence', card)
  const deadline = presenceDeadlines.get(c.id)
  if (c.status === 'closed' || c.status === 'wrap-up') {
    el.textContent = c.status === 'wrap-up' ? 'Customer left or chat ended' : ''
    el.dataset.state = 'ended'
  } else if (c.presence?.state === 'disconnected' && deadline !== undefined) {
    const left = Math.max(0, Math.ceil((deadline - performance.now()) / 1000))
    el.textContent = `Customer disconnected: ${left} s left in the window`
    el.dataset.state = 'disconnected'
  } else {
    el.textContent = c.presence?.state === 'disconnected' ? 'Customer disconnected' : 'Customer connected'
    el.dataset.state = c.presence?.state ?? 'connected'
  }
}
