import { describe, expect, it } from 'vitest';
import { checkDocuments, readDocuments } from '../../../dev/cli-transcripts.js';
import { PROGRAM, transcriptRegions } from '../../../dev/transcript-regions.js';
import { isCommand, STORY } from '../../../dev/transcript-story.js';

// Without moto: the documents' transcript regions and the story's commands name each other, and each
// region shows its command's own command line. test/integration/cli-transcripts.test.ts runs the commands.

const COMMANDS = STORY.filter(isCommand);

describe('the story of the transcripts', () => {
  it('names each command once, with a name a region can have', () => {
    // Act
    const names = COMMANDS.map((command) => command.name);

    // Assess
    expect(new Set(names).size).toBe(names.length);
    for (const name of names) expect(name).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
  });

  it('has a region in a document for every command, a command for every region, each with its command line', () => {
    // Prepare
    const documents = readDocuments();
    const regions = documents.flatMap(({ markdown }) => transcriptRegions(markdown));

    // Act: each region compared with itself finds only the names that do not match
    const mismatches = checkDocuments(
      new Map(regions.map((region) => [region.name, region.content])),
      documents,
    );

    // Assess
    expect(mismatches).toEqual([]);
    for (const region of regions) {
      const command = COMMANDS.find((step) => step.name === region.name);
      expect(region.content.split('\n')[1], region.name).toBe(`$ ${PROGRAM} ${command?.argv.join(' ')}`);
    }
  });

  it('names a region of no command, and a command of no region', () => {
    // Prepare
    const [first] = COMMANDS;
    const markdown = '<!-- transcript:no-such-command -->\n```text\n```\n<!-- /transcript -->\n';

    // Act
    const mismatches = checkDocuments(new Map(), [{ document: 'docs/x.md', markdown }]);

    // Assess
    expect(mismatches).toContainEqual({
      document: 'docs/x.md',
      name: 'no-such-command',
      difference: 'no command of dev/transcript-story.ts has this name',
    });
    expect(mismatches).toContainEqual(
      expect.objectContaining({ name: first?.name, difference: 'no document shows it' }),
    );
    expect(mismatches).toHaveLength(1 + COMMANDS.length);
  });
});
