// The documents' figures, from one source: each set of figures is a file of docs/figures/ (NAME.md) that a
// script writes (npm run bench, npm run figures), and a document shows it in a generated region:
//
//   <!-- figures:NAME -->            a block: the file's lines between the two markers
//   ...
//   <!-- /figures -->
//
//   text <!-- figures:NAME -->1.09×<!-- /figures --> text     inline: a file of one line
//
// Nothing between the markers is written by hand: this script rewrites every region from its file, and
// test/unit/docs/figures.test.ts fails when a region differs from its file, when a file is shown nowhere,
// or when a document states a measured figure outside a region.
//
// Usage: node scripts/figures.mjs     rewrite the regions of every document from docs/figures/
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project folder. */
export const PROJECT_DIR = fileURLToPath(new URL('..', import.meta.url));

/** Where the figures files are. */
export const FIGURES_DIR = join(PROJECT_DIR, 'docs', 'figures');

/** A name of a figures file: lower case, digits and hyphens (`cold-start` for docs/figures/cold-start.md). */
const NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const REGION = /<!-- figures:([^\s>]+) -->(\n?)([\s\S]*?)<!-- \/figures -->/g;

/**
 * The documents that may hold regions, relative to the project: the READMEs and every .md under docs/
 * but the figures themselves.
 * @returns {string[]}
 */
export const documents = () =>
  [
    'README.md',
    'events/README.md',
    ...readdirSync(join(PROJECT_DIR, 'docs'), { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.md') && !file.startsWith('figures'))
      .map((file) => join('docs', file)),
  ].sort();

/**
 * @typedef {object} Region
 * @property {string} name the figures file's name
 * @property {boolean} inline whether the region sits within a line
 * @property {string} content what is between the markers
 * @property {number} start offset of the opening marker
 * @property {number} end offset just after the closing marker
 */

/**
 * The text with fenced code blocks and inline code replaced by spaces, line breaks and offsets kept.
 * @param {string} markdown
 */
const blankCode = (markdown) => {
  const blank = (/** @type {string} */ code) => code.replace(/[^\n]/g, ' ');
  return markdown.replace(/^```[\s\S]*?^```/gm, blank).replace(/`[^`\n]*`/g, blank);
};

/**
 * The regions of a document, in order.
 * @param {string} markdown
 * @returns {Region[]}
 */
export const regionsOf = (markdown) =>
  // Markers inside code (a document showing how regions are written) are not regions: code is blanked
  // out, offsets kept, before the markers are looked for. A region's own fenced block lies between them.
  [...blankCode(markdown).matchAll(REGION)].map((match) => ({
    name: match[1] ?? '',
    inline: match[2] === '',
    content: markdown.slice(
      match.index + match[0].length - (match[3] ?? '').length - '<!-- /figures -->'.length,
      match.index + match[0].length - '<!-- /figures -->'.length,
    ),
    start: match.index,
    end: match.index + match[0].length,
  }));

/**
 * The text of a figures file, or undefined when there is none.
 * @param {string} name
 */
export const readFigures = (name) => {
  const file = join(FIGURES_DIR, `${name}.md`);
  return NAME.test(name) && existsSync(file) ? readFileSync(file, 'utf8') : undefined;
};

/**
 * Writes a figures file: what a bench or build script measured, as the documents are to show it (a table,
 * a fenced block of printed output, or one line for an inline figure).
 * @param {string} name
 * @param {string} markdown
 */
export const writeFigures = (name, markdown) => {
  if (!NAME.test(name)) throw new Error(`figures name "${name}": lower case, digits and hyphens only`);
  mkdirSync(FIGURES_DIR, { recursive: true });
  writeFileSync(join(FIGURES_DIR, `${name}.md`), `${markdown.trimEnd()}\n`);
};

/**
 * What a region must hold: the file's text (a block), or its one line (inline); undefined when the file
 * is missing or an inline region names a file of several lines.
 * @param {Region} region
 */
export const expectedContent = (region) => {
  const text = readFigures(region.name);
  if (text === undefined) return undefined;
  if (!region.inline) return text;
  const line = text.trimEnd();
  return line.includes('\n') ? undefined : line;
};

/**
 * Rewrites one document's regions from their files. Throws naming a region whose file is missing.
 * @param {string} markdown
 * @param {string} where the document, for the error
 */
export const refreshRegions = (markdown, where) => {
  let result = '';
  let at = 0;
  for (const region of regionsOf(markdown)) {
    const content = expectedContent(region);
    if (content === undefined) {
      throw new Error(
        `${where}: region figures:${region.name} has no docs/figures/${region.name}.md` +
          (region.inline ? ' of one line' : ''),
      );
    }
    const open = `<!-- figures:${region.name} -->${region.inline ? '' : '\n'}`;
    result += `${markdown.slice(at, region.start)}${open}${content}<!-- /figures -->`;
    at = region.end;
  }
  return result + markdown.slice(at);
};

/**
 * Rewrites the regions of every document; returns the documents that changed.
 * @returns {string[]}
 */
export const refreshDocuments = () => {
  const changed = [];
  for (const document of documents()) {
    const path = join(PROJECT_DIR, document);
    const markdown = readFileSync(path, 'utf8');
    const refreshed = refreshRegions(markdown, document);
    if (refreshed !== markdown) {
      writeFileSync(path, refreshed);
      changed.push(document);
    }
  }
  return changed;
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const changed = refreshDocuments();
  console.error(
    changed.length === 0
      ? `figures: every document agrees with ${relative(process.cwd(), FIGURES_DIR) || FIGURES_DIR}`
      : `figures: rewrote ${changed.join(', ')}`,
  );
}
