import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  firstDifference,
  normalizeTranscript,
  renderTranscript,
  replaceRegions,
  sameTranscript,
  transcriptRegions,
} from '../../../dev/transcript-regions.js';

const DOCUMENT = [
  '# Title',
  '',
  '<!-- transcript:audit -->',
  '```text',
  '$ app-tier-iam-role-rule audit',
  'old',
  '[exit code 1]',
  '```',
  '<!-- /transcript -->',
  '',
  '- a list item:',
  '',
  '  <!-- transcript:missing-tag-value -->',
  '  ```text',
  '  $ app-tier-iam-role-rule audit --tag-key tier',
  '  error: old',
  '  [exit code 2]',
  '  ```',
  '  <!-- /transcript -->',
  '',
  'How a region is written:',
  '',
  '```markdown',
  '<!-- transcript:example -->',
  '<!-- /transcript -->',
  '```',
  '',
].join('\n');

const AUDIT = [
  '$ app-tier-iam-role-rule audit --region eu-west-1,us-east-1',
  'Scanning 2 region(s) for app-tier instances (tier=app)',
  '[1/2] us-east-1: 1 app-tier instance(s)',
  '[2/2] eu-west-1: 2 app-tier instance(s)',
  'REGION     INSTANCE             RESULT',
  'eu-west-1  i-15e50d285062f1349  NON_COMPLIANT',
  'eu-west-1  i-2e9f938ba9bee405d  COMPLIANT',
  'us-east-1  i-f5c57f28667f8295f  NON_COMPLIANT',
  '[exit code 1]',
].join('\n');

describe('transcriptRegions', () => {
  it('finds each region, indented or not, and none in a code block that shows the markers', () => {
    // Act
    const regions = transcriptRegions(DOCUMENT);

    // Assess
    expect(regions.map(({ name, indent }) => [name, indent])).toEqual([
      ['audit', ''],
      ['missing-tag-value', '  '],
    ]);
    expect(regions[1]?.content).toBe(
      '```text\n$ app-tier-iam-role-rule audit --tag-key tier\nerror: old\n[exit code 2]\n```\n',
    );
  });
});

describe('replaceRegions', () => {
  it('replaces the named regions, indented as their markers, and leaves the rest of the document alone', () => {
    // Prepare
    const block = renderTranscript(['audit', '--tag-key', 'tier'], 'error: new\n', 2);

    // Act
    const text = replaceRegions(DOCUMENT, new Map([['missing-tag-value', block]]));

    // Assess
    expect(text).toBe(DOCUMENT.replace('  error: old', '  error: new'));
    expect(replaceRegions(text, new Map())).toBe(text);
  });
});

describe('renderTranscript', () => {
  it('writes the command as a shell would take it, the output, and the exit code', () => {
    // Act
    const block = renderTranscript(['audit', '--tag-value', 'app,web', '--tag-key', "it's *"], 'out', 1);

    // Assess
    expect(block).toBe(
      "```text\n$ app-tier-iam-role-rule audit --tag-value app,web --tag-key 'it'\\''s *'\nout\n[exit code 1]\n```\n",
    );
  });
});

describe('renderTranscript, on CSV', () => {
  it("writes CRLF line ends as the document's, and ends the output with a line end", () => {
    // Act
    const block = renderTranscript(['audit', '--output', 'csv'], 'a,b\r\n1,2', 1);

    // Assess
    expect(block).toBe(
      '```text\n$ app-tier-iam-role-rule audit --output csv\na,b\n1,2\n[exit code 1]\n```\n',
    );
  });
});

describe('normalizeTranscript', () => {
  it("sets aside moto's random ids, keeping their length, and the order of progress lines", () => {
    // Prepare: another run, the regions done in the other order, other ids (the same order of the ids)
    const other = AUDIT.replace(
      '[1/2] us-east-1: 1 app-tier instance(s)\n[2/2] eu-west-1: 2 app-tier instance(s)',
      '[1/2] eu-west-1: 2 app-tier instance(s)\n[2/2] us-east-1: 1 app-tier instance(s)',
    )
      .replace('i-15e50d285062f1349', 'i-0a1b2c3d4e5f60718')
      .replace('i-2e9f938ba9bee405d', 'i-1a2b3c4d5e6f70819');

    // Act
    const normalized = normalizeTranscript(other);

    // Assess
    expect(other).not.toBe(AUDIT);
    expect(normalized).toBe(normalizeTranscript(AUDIT));
    expect(normalized).toContain('eu-west-1  i-xxxxxxxxxxxxxxxxx  NON_COMPLIANT\n');
    expect(normalized).toContain('[n/2] eu-west-1: 2 app-tier instance(s)\n[n/2] us-east-1');
  });

  it('is the same for any ids of the same shape, associations and launch templates too', () => {
    const id = fc.stringMatching(/^[0-9a-f]{17}$/);
    fc.assert(
      fc.property(id, id, id, (instance, association, template) => {
        // Prepare
        const line = (i: string, a: string, t: string) =>
          `eu-west-1  i-${i}  associated app-tier-profile (iip-assoc-${a}) from lt-${t} at 2026-01-01T00:00:00.000Z`;

        // Act, Assess
        expect(
          sameTranscript(
            line(instance, association, template),
            line('0'.repeat(17), 'f'.repeat(17), '1'.repeat(17)),
          ),
        ).toBe(true);
      }),
    );
  });

  it('keeps every other difference: a result, a count, an exit code, a row more, the rows of the table in another order', () => {
    // Prepare
    const rows = AUDIT.split('\n');
    const changed = [
      AUDIT.replace('COMPLIANT\n', 'NON_COMPLIANT\n'),
      AUDIT.replace('1 app-tier', '2 app-tier'),
      AUDIT.replace('[exit code 1]', '[exit code 0]'),
      AUDIT.replace('[exit code 1]', 'us-east-1  i-f5c57f28667f8295f  NON_COMPLIANT\n[exit code 1]'),
      [...rows.slice(0, 5), rows[6], rows[5], ...rows.slice(7)].join('\n'),
    ];

    // Act
    const same = changed.map((text) => sameTranscript(AUDIT, text));

    // Assess
    expect(same).toEqual([false, false, false, false, false]);
  });
});

describe('firstDifference', () => {
  it('names the first line that differs, as the document has it and as the command prints it', () => {
    // Act
    const difference = firstDifference(AUDIT, AUDIT.replace('[exit code 1]', '[exit code 0]'));

    // Assess
    expect(difference).toBe('line 9: the document has\n  [exit code 1]\nthe command prints\n  [exit code 0]');
  });
});
