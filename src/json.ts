/** Parsed JSON, or anything else read from outside, narrowed to an object before its fields are read. */
export type JsonObject = Record<string, unknown>;

/** A JSON object: not null, not an array. */
export const isRecord = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
