import { describe, expect, it } from 'vitest';
import {
  captureTranscripts,
  checkDocuments,
  inProcessRunner,
  readDocuments,
} from '../../dev/cli-transcripts.js';
import { transcriptRegions } from '../../dev/transcript-regions.js';
import { motoAvailable } from '../support/moto.js';

// The outputs the documents show (<!-- transcript:NAME -->, written by npm run docs:transcripts) against what
// the commands print now: every command of dev/transcript-story.ts, run in this process through the command
// line's main against a moto server that captureTranscripts starts and stops.

const MOTO = motoAvailable();

describe.skipIf(!MOTO)('the transcripts of the documents against moto', () => {
  it('show what each command prints now, and a changed output is named', async () => {
    // Act
    const blocks = await captureTranscripts(inProcessRunner());

    // Assess
    const documents = readDocuments();
    expect(checkDocuments(blocks, documents)).toEqual([]);
    // The check can fail: one line of one command's output changed is named, with the line.
    const changed = new Map(blocks);
    changed.set(
      'remediate-again',
      (blocks.get('remediate-again') as string).replace('nothing to do', 'done'),
    );
    expect(checkDocuments(changed, documents)).toEqual([
      {
        document: 'docs/audit-and-remediate.md',
        name: 'remediate-again',
        difference: expect.stringContaining('No NON_COMPLIANT app-tier instance: done.'),
      },
    ]);
    // Every transcript region is of docs/audit-and-remediate.md, and the one of missing-tag-value is
    // inside a list item.
    const regions = documents.flatMap(({ document, markdown }) =>
      transcriptRegions(markdown).map((region) => [document, region.name, region.indent.length]),
    );
    expect(regions).toContainEqual(['docs/audit-and-remediate.md', 'missing-tag-value', 2]);
    expect(regions).toHaveLength(blocks.size);
  }, 120_000);
});
