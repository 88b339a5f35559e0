/** Config's limit on an evaluation's annotation. */
export const MAX_ANNOTATION_LENGTH = 256;
const ELLIPSIS = '…';

/**
 * Shortens an annotation to Config's limit, visibly (ending in an ellipsis), without splitting a
 * surrogate pair. Config rejects longer ones, which would lose the whole evaluation.
 */
export const fitAnnotation = (text: string): string => {
  const annotation = text.trim() === '' ? 'Evaluated by the app-tier IAM role rule' : text;
  if (annotation.length <= MAX_ANNOTATION_LENGTH) return annotation;
  let cut = MAX_ANNOTATION_LENGTH - ELLIPSIS.length;
  const code = annotation.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut -= 1;
  return annotation.slice(0, cut) + ELLIPSIS;
};
