/**
 * Customer context and canned responses (wire protocol, version 1): what the agent console is told
 * about the customer (the page they are on, their browser), and the prepared replies the server
 * hands every agent in `ready`. Types and limits only: validation lives in `validate.ts`.
 */

/** One page the customer was on, as the server recorded it (server time). */
export interface PageVisit {
  /** Origin, path and fragment; the customer SDK leaves the query string out. */
  url: string
  title: string
  at: number
}

/** The page the customer SDK reports: in `hello`, and in a `page` frame after each navigation. */
export interface PageInfo {
  url: string
  title: string
}

/**
 * What the agent console knows about the customer. `name` is the customer's own (`createChat`'s
 * `customer.name`); `userAgent` is read from the request that opened the customer's socket; `pages`
 * holds the last {@link MAX_PAGES} pages, newest last. `email` and `sub` come from identity.
 */
export interface CustomerDetails {
  name?: string
  email?: string
  sub?: string
  userAgent?: string
  pages?: PageVisit[]
}

/** Customer -> server: the customer navigated inside the page (history, hash). Never answered. */
export interface PageFrame extends PageInfo {
  type: 'page'
}

/** Server -> agent: what is known about a conversation's customer changed. */
export interface CustomerContextFrame {
  type: 'customer'
  conversationId: string
  customer: CustomerDetails
}

/** A prepared reply, configured on the server (`cannedResponses`, `--canned FILE`). */
export interface CannedResponse {
  /** Unique among the configured ones (at most {@link MAX_CANNED_ID_LENGTH} characters). */
  id: string
  /** What the console lists (at most {@link MAX_CANNED_TITLE_LENGTH} characters). */
  title: string
  /** The reply; `{{name}}` stands for the customer's name (see `fillCanned`). */
  text: string
}

/** Pages kept per conversation: the oldest goes first. */
export const MAX_PAGES = 20
/** Longest page URL accepted, in characters (the SDK cuts longer ones). */
export const MAX_URL_LENGTH = 2048
/** Longest page title accepted, in characters (the SDK cuts longer ones). */
export const MAX_TITLE_LENGTH = 300
/** The user agent is kept to this many characters. */
export const MAX_USER_AGENT_LENGTH = 512
/** Canned responses a server may be configured with. */
export const MAX_CANNED = 500
/** Longest canned response id. */
export const MAX_CANNED_ID_LENGTH = 64
/** Longest canned response title. */
export const MAX_CANNED_TITLE_LENGTH = 120
