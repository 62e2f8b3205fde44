// Shrinks the widget's shadow DOM (the template literals of src/widget/template.ts) at build time, as
// it ships to every page: the line breaks and indentation between tags go (every container there lays
// out its children as blocks or flex items, where that whitespace draws nothing), and so do the quotes
// around plain attribute values (`class="link"` -> `class=link`, as HTML allows); a value that holds
// an interpolated text keeps them.
export function htmlMin() {
  return {
    name: 'holdline-html-min',
    transform(code, id) {
      if (!id.replace(/\\/g, '/').endsWith('src/widget/template.ts')) return null
      return { code: code.replace(/`[^`]*`/g, (literal) => literal.replace(/>\s*\n\s*/g, '>').replace(/\s*\n\s*</g, '<').replace(/="([\w-]+)"/g, '=$1')), map: null }
    },
  }
}
