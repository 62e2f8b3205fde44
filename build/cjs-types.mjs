// CommonJS declarations beside the ESM ones: each dist/types/**/*.d.ts gets a .d.cts twin whose
// relative imports name .cjs files (TypeScript then reads the twin, as CommonJS, for require()).
// One set of declarations for both would be "masquerading as ESM" to CommonJS consumers.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const root = new URL('../dist/types/', import.meta.url).pathname
const relative = /((?:from\s+|import\s*\(\s*)['"])(\.{1,2}\/[^'"]+?)\.js(['"])/g

for (const entry of await readdir(root, { recursive: true, withFileTypes: true })) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue
  const file = join(entry.parentPath ?? entry.path, entry.name)
  const text = await readFile(file, 'utf8')
  await writeFile(file.replace(/\.d\.ts$/, '.d.cts'), text.replace(relative, '$1$2.cjs$3'))
}
