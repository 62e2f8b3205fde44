/**
 * The agent console, as a script: `<script type="module" src="/dist/holdline-console.js">` mounts
 * itself in `#holdline-console` (its `data-url` names the server; this page's origin by default).
 */
import { startConsole } from './start-console.js'

export { startConsole, type ConsoleOptions } from './start-console.js'

const root = typeof document !== 'undefined' ? document.getElementById('holdline-console') : null
if (root) startConsole({ root, ...(root.dataset.url ? { url: root.dataset.url } : {}) })
