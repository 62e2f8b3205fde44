// `npm run bench`: every benchmark, each printed as a table beside the peer it is compared with.
import { measureSizes, formatSizes } from './size.mjs'

console.log('## Bundle size (rollup + terser, same pipeline for every library)\n')
console.log(formatSizes(await measureSizes()))
