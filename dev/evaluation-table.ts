/** The message type of a row whose file is not a JSON event: nothing was invoked. */
export const UNREADABLE = '(unreadable)';

/** One line of the `npm start` report: an evaluation received for an event, or a failed invocation. */
export interface RunRow {
  /** The event file's name. */
  file: string;
  /** The event file's path, as given (relative to the working directory). */
  path: string;
  /** `invokingEvent.messageType`, or UNREADABLE when the file is not a JSON event. */
  messageType: string;
  resourceType?: string;
  resourceId?: string;
  /** The ComplianceType received; `ERROR` for a failed invocation; `NONE` when it reported nothing. */
  result: string;
  /** The evaluation's annotation, or the error message. */
  annotation: string;
  /** ISO 8601. */
  orderingTimestamp?: string;
  testMode?: boolean;
}

// The message types are long; the table shows what they mean in a word or two.
const SHORT_MESSAGE_TYPES: Record<string, string> = {
  ConfigurationItemChangeNotification: 'change',
  OversizedConfigurationItemChangeNotification: 'oversized',
  ScheduledNotification: 'scheduled',
  ConfigurationSnapshotDeliveryCompleted: 'snapshot',
};

const MIN_ANNOTATION_WIDTH = 24;
const GAP = '  ';

// The AWS CLI commands annotations name (`ec2 associate-iam-instance-profile`): kept on one line, as a
// person copies them. Their spaces become no-break spaces while the text is wrapped.
const COMMAND = /\b(?:aws )?(?:ec2|iam|sts|ssm|configservice) [a-z0-9]+(?:-[a-z0-9]+)+/g;
const NO_BREAK_SPACE = '\u00a0';
const BREAKABLE_SPACE = /[ \t\r\n]+/;

/**
 * Splits text into lines of at most `width` characters at spaces. A word is never cut: one longer than
 * the width (an ARN) gets a line of its own, wider than the column, so that it can be copied whole.
 */
export const wrapText = (text: string, width: number): string[] => {
  const words = text
    .replace(COMMAND, (command) => command.replaceAll(' ', NO_BREAK_SPACE))
    .split(BREAKABLE_SPACE)
    .filter((word) => word !== '');
  const lines: string[] = [];
  let line = '';
  for (const word of words) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line = `${line} ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines.map((wrapped) => wrapped.replaceAll(NO_BREAK_SPACE, ' '));
};

const resourceOf = (row: RunRow): string => {
  if (row.resourceId === undefined) return '-';
  return row.resourceType === undefined || row.resourceType === 'AWS::EC2::Instance'
    ? row.resourceId
    : `${row.resourceType} ${row.resourceId}`;
};

/**
 * Renders rows as a table at most `width` characters wide: the annotation column takes what the others
 * leave and wraps onto continuation lines. The event and message type are shown once per event.
 */
export const renderTable = (rows: readonly RunRow[], width: number): string => {
  const headers = ['EVENT', 'MESSAGE TYPE', 'RESOURCE', 'RESULT', 'ANNOTATION'] as const;
  const cells = rows.map((row, index) => {
    const sameEvent = index > 0 && rows[index - 1]?.file === row.file;
    return [
      sameEvent ? '' : row.file.replace(/\.json$/, ''),
      sameEvent ? '' : (SHORT_MESSAGE_TYPES[row.messageType] ?? row.messageType),
      resourceOf(row),
      row.testMode === true ? `${row.result} (test)` : row.result,
      row.annotation,
    ];
  });
  const fixed = [0, 1, 2, 3].map((column) =>
    Math.max(headers[column]?.length ?? 0, ...cells.map((cell) => cell[column]?.length ?? 0)),
  );
  const used = fixed.reduce((sum, columnWidth) => sum + columnWidth + GAP.length, 0);
  const annotationWidth = Math.max(MIN_ANNOTATION_WIDTH, width - used);
  const line = (columns: readonly string[], annotation: string) =>
    [...columns.map((text, column) => text.padEnd(fixed[column] ?? 0)), annotation].join(GAP).trimEnd();

  const out = [
    line(headers.slice(0, 4), headers[4]),
    line(
      fixed.map((w) => '-'.repeat(w)),
      '-'.repeat(10),
    ),
  ];
  for (const cell of cells) {
    const [first = '', ...more] = wrapText(cell[4] ?? '', annotationWidth);
    out.push(line(cell.slice(0, 4), first));
    for (const continuation of more) out.push(line(['', '', '', ''], continuation));
  }
  return out.join('\n');
};
