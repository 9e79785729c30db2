/**
 * Escaping for everything a model can put into a report. Model files are untrusted: node names, tensor
 * names, producer strings and paths may contain markup. Text goes through `escapeHtml`; data for the
 * page's script goes through `jsonForScript` into a `<script type="application/json">` block, where no
 * `<`, `>`, `&` or line separator survives, so `</script>` or `<!--` in a name cannot end the block.
 */

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/**
 * JSON that is safe inside `<script type="application/json">…</script>`: `<`, `>`, `&` and U+2028/U+2029
 * become \u escapes (still valid JSON, parsed back to the same strings by JSON.parse).
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * Makes a trusted script (chart.js, our page script) safe to inline in a `<script>` element: a literal
 * `</script` inside a string would end the element, and a source-map comment would make devtools fetch a file.
 */
export function inlineScriptSource(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/^\/\/# sourceMappingURL=.*$/gm, '');
}
