/**
 * Getting the agent's attention: the document title counts what waits (offers and unread messages),
 * an optional chime plays on a new offer, and a desktop notification shows when the browser allows it
 * and the console is not in front.
 */
import { beep, primeAudio } from './beep.js'

const BASE_TITLE = 'holdline console'
const SOUND_KEY = 'holdline:console-sound'

export interface Alerts {
  /** Offers waiting and unread messages, for the title. */
  count(offers: number, unread: number): void
  /** A new chat was offered. `onOpen` runs when the notification is clicked. */
  offer(title: string, body: string, onOpen: () => void): void
  readonly sound: boolean
  /** Turn the chime on or off (from a click: this also lets the page play audio). */
  setSound(on: boolean): void
  /** Whether desktop notifications can still be asked for, are on, or were refused. */
  readonly permission: NotificationPermission | 'unsupported'
  /** Ask for desktop notifications (from a click; browsers ignore it otherwise). */
  askPermission(): Promise<NotificationPermission | 'unsupported'>
}

export function createAlerts(): Alerts {
  let sound = readSound()
  return {
    count(offers, unread) {
      const parts = [offers ? `${offers} waiting` : '', unread ? `${unread} unread` : ''].filter(Boolean)
      const title = parts.length ? `(${offers + unread}) ${parts.join(', ')} · ${BASE_TITLE}` : BASE_TITLE
      if (document.title !== title) document.title = title
    },
    offer(title, body, onOpen) {
      if (sound) beep()
      if (!('Notification' in globalThis) || Notification.permission !== 'granted') return
      if (document.visibilityState === 'visible' && document.hasFocus()) return
      const notification = new Notification(title, { body, tag: 'holdline-offer' })
      notification.onclick = () => {
        window.focus()
        onOpen()
        notification.close()
      }
    },
    get sound() {
      return sound
    },
    setSound(on) {
      sound = on
      if (on) primeAudio()
      try {
        localStorage.setItem(SOUND_KEY, on ? 'on' : 'off')
      } catch {
        // Kept for this page only.
      }
    },
    get permission() {
      return 'Notification' in globalThis ? Notification.permission : 'unsupported'
    },
    async askPermission() {
      if (!('Notification' in globalThis)) return 'unsupported'
      return Notification.requestPermission()
    },
  }
}

function readSound(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on'
  } catch {
    return false
  }
}
