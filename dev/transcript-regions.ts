// The transcripts of the documents: a command's output shown between two markers, written by
// dev/cli-transcripts.ts from a run against moto, never by hand:
//
//   <!-- transcript:NAME -->
//   ```text
//   $ app-tier-iam-role-rule audit --tag-key tier ...
//   (stdout and stderr, as a terminal shows them)
//   [exit code 1]
//   ```
//   <!-- /transcript -->
//
// The markers may be indented (a block inside a list item): the block is indented as its opening marker.

/** The command as the documents show it: the installed bin. */
export const PROGRAM = 'app-tier-iam-role-rule';

/** A transcript region of a document. */
export interface TranscriptRegion {
  readonly name: string;
  /** The opening marker's indentation, which every line of the block carries. */
  readonly indent: string;
  /** The block between the markers, without the indentation. */
  readonly content: string;
  /** Offsets of the region's content (after the opening marker's line, before the closing marker's). */
  readonly start: number;
  readonly end: number;
}

const REGION = /^( *)<!-- transcript:([a-z0-9]+(?:-[a-z0-9]+)*) -->\n([\s\S]*?)^\1<!-- \/transcript -->$/gm;

/** The text with fenced code blocks outside regions blanked (a document may show a marker as an example). */
const blankCode = (markdown: string): string =>
  markdown.replace(/^( *)```[^\n]*\n[\s\S]*?^\1```/gm, (code, _indent, offset: number) =>
    markdown.slice(0, offset).endsWith('-->\n') ? code : code.replace(/[^\n]/g, ' '),
  );

const dedent = (text: string, indent: string): string =>
  indent === '' ? text : text.replace(new RegExp(`^${indent}`, 'gm'), '');

const indentLines = (text: string, indent: string): string =>
  indent === '' ? text : text.replace(/^(?=.)/gm, indent);

/** The transcript regions of a document, in order. */
export const transcriptRegions = (markdown: string): TranscriptRegion[] =>
  [...blankCode(markdown).matchAll(REGION)].map((match) => {
    const indent = match[1] ?? '';
    const start = match.index + match[0].indexOf('\n') + 1;
    const end = start + (match[3] ?? '').length;
    return { name: match[2] ?? '', indent, content: dedent(markdown.slice(start, end), indent), start, end };
  });

/** Quotes an argument for a POSIX shell when it needs it. */
const shellWord = (word: string): string =>
  /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;

/**
 * A transcript block: the command line, what it printed, its exit code. CSV's CRLF line ends are written
 * as the document's own (the text says CSV has CRLF; the CSV tests hold it).
 */
export const renderTranscript = (argv: readonly string[], output: string, exitCode: number): string => {
  const lines = output.replaceAll('\r\n', '\n');
  const printed = lines === '' || lines.endsWith('\n') ? lines : `${lines}\n`;
  return `\`\`\`text\n$ ${[PROGRAM, ...argv].map(shellWord).join(' ')}\n${printed}[exit code ${exitCode}]\n\`\`\`\n`;
};

/** The document with the named regions' blocks replaced; regions of other names are left as they are. */
export const replaceRegions = (markdown: string, blocks: ReadonlyMap<string, string>): string => {
  let text = markdown;
  for (const region of transcriptRegions(markdown).reverse()) {
    const block = blocks.get(region.name);
    if (block !== undefined) {
      text = text.slice(0, region.start) + indentLines(block, region.indent) + text.slice(region.end);
    }
  }
  return text;
};

/** Ids moto draws at random, each kept at its length so that table columns stay aligned. */
const RANDOM_IDS = /\b(i|lt|iip-assoc)-[0-9a-f]{8,17}\b/g;
const TIMESTAMP = /\b\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)?/g;
/** Lines printed as concurrent work finishes, in an order that differs from run to run. */
const COMPLETION_LINE = /^(?:\[n\/\d+\] |[a-z]{2}(?:-[a-z]+)+-\d (?:i|lt)-x+: )/;

/** Runs of consecutive lines that satisfy `test`, sorted; other lines stay where they are. */
const sortRuns = (lines: readonly string[], test: (line: string) => boolean): string[] => {
  const sorted: string[] = [];
  let run: string[] = [];
  const flush = () => {
    sorted.push(...run.sort());
    run = [];
  };
  for (const line of lines) {
    if (test(line)) run.push(line);
    else {
      flush();
      sorted.push(line);
    }
  }
  flush();
  return sorted;
};

/**
 * A transcript with what differs between two runs of the same commands against moto made equal: the ids
 * moto draws (instances, associations, launch templates), timestamps, and the order in which concurrent
 * work (regions scanned, instances remediated) reports; `[2/2]` counts in that order, so it is dropped.
 */
export const normalizeTranscript = (text: string): string => {
  const lines = text
    .replace(RANDOM_IDS, (id, prefix: string) => `${prefix}-${'x'.repeat(id.length - prefix.length - 1)}`)
    .replace(TIMESTAMP, (time) => 'T'.repeat(time.length))
    .split('\n')
    .map((line) => line.replace(/^\[\d+\//, '[n/'));
  return sortRuns(lines, (line) => COMPLETION_LINE.test(line)).join('\n');
};

/** Whether two transcripts say the same once what moto makes random is set aside. */
export const sameTranscript = (a: string, b: string): boolean =>
  normalizeTranscript(a) === normalizeTranscript(b);

/** The first line where two transcripts differ (after normalising), for the message of a failed check. */
export const firstDifference = (documented: string, printed: string): string => {
  const was = normalizeTranscript(documented).split('\n');
  const is = normalizeTranscript(printed).split('\n');
  const line = was.findIndex((text, index) => text !== is[index]);
  const at = line === -1 ? was.length : line;
  return `line ${at + 1}: the document has\n  ${was[at] ?? '(nothing)'}\nthe command prints\n  ${is[at] ?? '(nothing)'}`;
};
