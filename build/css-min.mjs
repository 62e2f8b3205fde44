// Collapses the whitespace of the widget's CSS (the template literals of src/widget/styles.ts) at build
// time: every byte of it ships to every page that shows the widget, and the source stays readable.
export function cssMin() {
  return {
    name: 'holdline-css-min',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('src/widget/styles.ts')) return null
      const out = code.replace(/`[^`]*`/g, (literal) =>
        literal
          // Comments explain the source; they need not ship.
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};,>])\s*/g, '$1')
          .replace(/: /g, ':')
          .replace(/;}/g, '}')
          .replace(/ !important/g, '!important')
          // An attribute selector's value needs no quotes when it is an identifier.
          .replace(/\[([\w-]+)="([a-zA-Z][\w-]*)"\]/g, '[$1=$2]'),
      )
      return { code: out, map: null }
    },
  }
}
