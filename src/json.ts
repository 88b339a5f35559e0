/** Parsed JSON, or anything else read from outside, narrowed to an object before its fields are read. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isRecord = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** JSON text that holds an object, or what is wrong with it. */
export type ParsedJsonObject =
  | { readonly object: JsonObject; readonly problem?: undefined; readonly options?: undefined }
  | { readonly object?: undefined; readonly problem: string; readonly options?: ErrorOptions };

/**
 * Parses JSON text read from outside that must hold an object. What is wrong is said in words the caller
 * prefixes with what it read (`invokingEvent is not valid JSON (…)`, `… is not a JSON object`); a parser
 * error comes back as the `cause` in `options`.
 */
export const parseJsonObject = (text: string): ParsedJsonObject => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    return { problem: `not valid JSON (${(error as Error).message})`, options: { cause: error } };
  }
  return isRecord(parsed) ? { object: parsed } : { problem: 'not a JSON object' };
};
