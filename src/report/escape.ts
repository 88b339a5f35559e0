/** Text for HTML content and quoted attribute values: `& < > " '` as character references. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * JSON for a `<script type="application/json">` element: every `<` as `\u003c`, so no value (a tag of
 * `</script><script>…`) can close the element or open a comment, and the line separators JavaScript once
 * refused in string literals escaped too. JSON.parse reads it back unchanged.
 */
export const jsonForScript = (value: unknown): string =>
  JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
