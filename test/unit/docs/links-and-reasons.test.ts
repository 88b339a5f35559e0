import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Reason } from '../../../src/rule/compliance.js';

const PROJECT_DIR = fileURLToPath(new URL('../../..', import.meta.url));

/** The documents a reader follows links through: the READMEs and everything under docs/. */
const DOCUMENTS = [
  'README.md',
  'events/README.md',
  ...readdirSync(join(PROJECT_DIR, 'docs'), { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.md'))
    .map((file) => join('docs', file)),
].sort();

/** The text a reader sees as prose: fenced code blocks and inline code removed (their brackets are code). */
const prose = (markdown: string): string =>
  markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');

/** `[text](target)` links, without those to other sites. */
const relativeLinks = (markdown: string): string[] =>
  [...prose(markdown).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)]
    .map((match) => match[1] as string)
    .filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));

/** The anchors GitHub gives a document's headings: lower case, punctuation dropped, spaces as hyphens. */
const anchorsOf = (markdown: string): Set<string> => {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  // Headings outside code blocks; inline code keeps its text in the anchor.
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const [, heading] of text.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = (heading as string)
      .replaceAll('`', '')
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-');
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    anchors.add(count === 0 ? base : `${base}-${count}`);
  }
  return anchors;
};

/** Why a link does not lead where it says, or undefined when it does. */
const brokenLink = (from: string, target: string): string | undefined => {
  const [path = '', anchor] = target.split('#');
  const file = path === '' ? join(PROJECT_DIR, from) : resolve(PROJECT_DIR, dirname(from), decodeURI(path));
  if (!existsSync(file)) return `${relative(PROJECT_DIR, file)} does not exist`;
  if (anchor === undefined || anchor === '' || statSync(file).isDirectory() || !file.endsWith('.md')) {
    return undefined;
  }
  return anchorsOf(readFileSync(file, 'utf8')).has(anchor)
    ? undefined
    : `${relative(PROJECT_DIR, file)} has no heading #${anchor}`;
};

describe('the documents', () => {
  it.each(DOCUMENTS)(
    '%s: every relative link leads to a file, and to a heading of it when it names one',
    (doc) => {
      // Act
      const broken = relativeLinks(readFileSync(join(PROJECT_DIR, doc), 'utf8')).flatMap((target) => {
        const why = brokenLink(doc, target);
        return why === undefined ? [] : [`${target}: ${why}`];
      });

      // Assess
      expect(broken).toEqual([]);
    },
  );

  it('finds links, and finds a broken one broken', () => {
    // Act
    const links = relativeLinks('[a](docs/cost.md#prices) [b](https://aws.amazon.com/) `[c](no.md)`');

    // Assess
    expect(links).toEqual(['docs/cost.md#prices']);
    expect(brokenLink('docs/operations.md', 'docs/cost.md')).toBe('docs/docs/cost.md does not exist');
    expect(brokenLink('docs/operations.md', 'cost.md#no-such-heading')).toBe(
      'docs/cost.md has no heading #no-such-heading',
    );
    expect(
      brokenLink('docs/operations.md', 'cost.md#when-the-previous-results-cannot-be-read'),
    ).toBeUndefined();
    expect(brokenLink('README.md', 'docs/development.md#publishing-the-package')).toBeUndefined();
  });

  it('operations.md names every reason code of src/rule/compliance.ts', () => {
    // Prepare
    const operations = readFileSync(join(PROJECT_DIR, 'docs', 'operations.md'), 'utf8');
    const codes = Object.values(Reason);

    // Act
    const missing = codes.filter((code) => !operations.includes(`\`${code}\``));

    // Assess
    expect(codes.length).toBeGreaterThan(10);
    expect(missing).toEqual([]);
  });
});
