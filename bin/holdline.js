#!/usr/bin/env node
// The CLI lives in the built bundle; `npm run build` (run by `npm start` and `npm test`) makes it.
import('../dist/cli.js').then((cli) => cli.main(process.argv.slice(2))).catch((error) => {
  console.error(error instanceof Error ? error.message : error)
  process.exit(1)
})
