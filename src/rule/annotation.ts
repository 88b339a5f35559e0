import { type AppTierTag, describeTag, describeTagWithin } from './parameters.js';

/** Config's limit on an evaluation's annotation. */
export const MAX_ANNOTATION_LENGTH = 256;
const ELLIPSIS = '…';

/** Cuts `text` to `length` characters (at most) without splitting a surrogate pair. */
const cutAt = (text: string, length: number): string => {
  let cut = length;
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return text.slice(0, cut);
};

/**
 * Shortens an annotation to Config's limit, visibly (ending in an ellipsis), without splitting a
 * surrogate pair. Config rejects longer ones, which would lose the whole evaluation.
 */
export const fitAnnotation = (text: string): string => {
  const annotation = text.trim() === '' ? 'Evaluated by the app-tier IAM role rule' : text;
  if (annotation.length <= MAX_ANNOTATION_LENGTH) return annotation;
  return cutAt(annotation, MAX_ANNOTATION_LENGTH - ELLIPSIS.length) + ELLIPSIS;
};

/**
 * A part of an annotation that may be shortened when the whole does not fit: a name, an ARN, the tag
 * description. `shorten(room)` returns a text of at most `room` characters (or its shortest form).
 */
export interface Elastic {
  readonly text: string;
  readonly shorten: (room: number) => string;
  /** Lower shortens first. */
  readonly order: number;
}

/** The fewest characters a name is shortened to: enough of both ends to tell it apart. */
const MIN_NAME = 12;

/** Keeps both ends of `text` around an ellipsis: the start and the end of a name are what tell it apart. */
export const shortenMiddle = (text: string, room: number): string => {
  const length = Math.max(room, MIN_NAME);
  if (text.length <= length) return text;
  const head = Math.ceil((length - ELLIPSIS.length) / 2);
  const tail = length - ELLIPSIS.length - head;
  const start = cutAt(text, head);
  let end = text.slice(text.length - tail);
  const first = end.charCodeAt(0);
  if (first >= 0xdc00 && first <= 0xdfff) end = end.slice(1);
  return `${start}${ELLIPSIS}${end}`;
};

/** A name or an ARN, shortened in the middle when the annotation is too long. */
export const name = (text: string): Elastic => ({
  text,
  shorten: (room) => shortenMiddle(text, room),
  order: 2,
});

const TAG_PREFIX = ' (app-tier tag ';

/**
 * ` (app-tier tag tier=app|web)`, last in an annotation: the first part to give way when the annotation is
 * too long, by leaving values out of the middle of its list, and then altogether: the reason and the fix
 * matter more than the scope the reader set.
 */
export const tagDescription = (tag: AppTierTag): Elastic => ({
  text: `${TAG_PREFIX}${describeTag(tag)})`,
  shorten: (room) => {
    const described = describeTagWithin(tag, room - TAG_PREFIX.length - 1);
    return TAG_PREFIX.length + described.length + 1 <= room ? `${TAG_PREFIX}${described})` : '';
  },
  order: 1,
});

/**
 * An annotation from its parts, within Config's limit. What a person acts on (the reason and the fix) is
 * written in full; names, ARNs and the tag description give way first, in their order, each shortened in
 * its middle, so two reasons never end up with the same text.
 */
export const composeAnnotation = (...parts: readonly (string | Elastic)[]): string => {
  const texts = parts.map((part) => (typeof part === 'string' ? part : part.text));
  const length = () => texts.reduce((sum, text) => sum + text.length, 0);
  const elastic = parts
    .map((part, index) => ({ part, index }))
    .filter((entry): entry is { part: Elastic; index: number } => typeof entry.part !== 'string');
  const orders = [...new Set(elastic.map(({ part }) => part.order))].sort((a, b) => a - b);
  for (const order of orders) {
    let group = elastic.filter(({ part }) => part.order === order);
    // Each part of the same order gives way in proportion to its length; a part that reached its shortest
    // leaves the rest to the others.
    while (group.length > 0 && length() > MAX_ANNOTATION_LENGTH) {
      const over = length() - MAX_ANNOTATION_LENGTH;
      const total = group.reduce((sum, { index }) => sum + (texts[index] ?? '').length, 0);
      group = group.filter(({ part, index }) => {
        const own = (texts[index] ?? '').length;
        texts[index] = part.shorten(Math.max(0, own - Math.ceil((over * own) / Math.max(total, 1))));
        return (texts[index] ?? '').length < own;
      });
    }
  }
  return fitAnnotation(texts.join(''));
};
