const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};

/** Escapes text for an XML element or attribute. */
export const escapeXml = (text: string): string => text.replace(/[&<>"']/g, (char) => ENTITIES[char] ?? char);

/**
 * One element with escaped text, or nothing when the value is absent: EC2 omits fields it has no
 * value for, and the SDK leaves them `undefined`.
 */
export const element = (name: string, value: string | number | boolean | undefined): string =>
  value === undefined ? '' : `<${name}>${escapeXml(String(value))}</${name}>`;

/** An element wrapping already rendered children. */
export const wrap = (name: string, children: string): string => `<${name}>${children}</${name}>`;

/** The XML declaration EC2 puts before every body. */
export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
