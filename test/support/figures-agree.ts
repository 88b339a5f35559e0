/** A number as the documents write it: digits, thousands commas, a decimal part. */
const NUMBER = /\d[\d,]*(?:\.\d+)?/g;

/**
 * Where two renderings of the same figures differ by more than the tolerance: the text between numbers must
 * be the same, and each number within `tolerance` of the other (relative), or one unit of its last digit
 * (a size rounded to whole KiB moves by one). Returns one line per difference; none when they agree.
 */
export const figuresDisagree = (expected: string, actual: string, tolerance = 0.02): string[] => {
  const texts = (text: string) => text.split(NUMBER);
  const numbers = (text: string) => text.match(NUMBER) ?? [];
  if (texts(expected).join('#') !== texts(actual).join('#')) {
    return [`the text differs:\n${expected}\n---\n${actual}`];
  }
  const [want, got] = [numbers(expected), numbers(actual)];
  return want.flatMap((written, index) => {
    const measured = got[index] ?? '';
    const [a, b] = [Number(written.replaceAll(',', '')), Number(measured.replaceAll(',', ''))];
    const unit = 10 ** -(written.split('.')[1]?.length ?? 0);
    const close = Math.abs(a - b) <= Math.max(tolerance * Math.max(Math.abs(a), Math.abs(b)), unit);
    return close ? [] : [`${written} where the build has ${measured}`];
  });
};
