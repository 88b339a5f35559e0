import { ServiceError } from './errors.js';

// Tokens are opaque to clients, as AWS's are; the offset inside only has to survive a round trip.
const PREFIX = 'local-aws:';

/** Encodes a position in a list as a next token. */
export const encodeToken = (offset: number): string =>
  Buffer.from(`${PREFIX}${offset}`, 'utf8').toString('base64url');

/**
 * Decodes a next token made by `encodeToken`; `undefined` means the first page. A token the endpoint
 * did not make is rejected with `errorCode`, as the services reject a forged token.
 */
export const decodeToken = (token: string | undefined, errorCode: string): number => {
  if (token === undefined || token === '') return 0;
  const text = Buffer.from(token, 'base64url').toString('utf8');
  const offset = text.startsWith(PREFIX) ? Number(text.slice(PREFIX.length)) : Number.NaN;
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new ServiceError(errorCode, `The pagination token ${token} is invalid.`);
  }
  return offset;
};

/**
 * Takes one page of a list; the next token is present only when something is left, so a paginator
 * stops without an empty trailing request.
 */
export const pageOf = <T>(
  items: readonly T[],
  token: string | undefined,
  size: number,
  errorCode: string,
): { items: T[]; nextToken?: string } => {
  const offset = decodeToken(token, errorCode);
  const end = offset + size;
  return end < items.length
    ? { items: items.slice(offset, end), nextToken: encodeToken(end) }
    : { items: items.slice(offset) };
};
