/**
 * Helpers for the AWS JSON 1.1 protocol spoken by Config and SSM: the body is JSON, timestamps are
 * epoch seconds (fractions allowed), errors are HTTP 4xx/5xx with `__type` naming the error.
 */

/** The media type of AWS JSON 1.1 requests and responses. */
export const JSON_CONTENT_TYPE = 'application/x-amz-json-1.1';

/** A timestamp as JSON protocols send it: epoch seconds. */
export const toEpochSeconds = (time: string | number | Date): number => {
  if (typeof time === 'number') return time;
  const millis = (time instanceof Date ? time : new Date(time)).getTime();
  if (Number.isNaN(millis)) throw new TypeError(`Not a timestamp: ${String(time)}`);
  return millis / 1000;
};

/** The body of a JSON protocol error; the SDK reads the code from `__type` and the text from `message`. */
export const jsonErrorBody = (code: string, message: string): string =>
  JSON.stringify({ __type: code, message });
