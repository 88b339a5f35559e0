import {
  type CollectionTag,
  isMap,
  isScalar,
  LineCounter,
  parseDocument,
  type Scalar,
  type ScalarTag,
  type YAMLMap,
  type YAMLSeq,
} from 'yaml';
import { ScanInputError } from '../errors.js';
import { isRecord, type JsonObject } from '../json.js';

/** A template and where each of its resources starts. */
export interface ParsedTemplate {
  readonly template: JsonObject;
  readonly lineOf: (logicalId: string) => number;
}

// CloudFormation's short forms (`!Ref X`, `!GetAtt X.Y`, `!Sub [..]`) become the long forms
// ({"Ref": "X"}, {"Fn::GetAtt": ["X", "Y"]}), as CloudFormation reads them.
const FUNCTIONS = [
  'Base64',
  'Cidr',
  'FindInMap',
  'GetAZs',
  'ImportValue',
  'Join',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'And',
  'Equals',
  'If',
  'Not',
  'Or',
  'ToJsonString',
  'Length',
];
const longName = (name: string): string => (name === 'Ref' || name === 'Condition' ? name : `Fn::${name}`);
const getAtt = (value: unknown): unknown => ({
  'Fn::GetAtt': typeof value === 'string' ? value.split(/\.(.*)/s, 2) : value,
});
const CUSTOM_TAGS: (ScalarTag | CollectionTag)[] = [...FUNCTIONS, 'Ref', 'Condition', 'GetAtt'].flatMap(
  (name) => {
    const wrap = (value: unknown) => (name === 'GetAtt' ? getAtt(value) : { [longName(name)]: value });
    return [
      { tag: `!${name}`, resolve: (value: string) => wrap(value) } as ScalarTag,
      {
        tag: `!${name}`,
        collection: 'seq',
        resolve: (seq: YAMLSeq) => wrap(seq.toJSON()),
      } as unknown as CollectionTag,
      {
        tag: `!${name}`,
        collection: 'map',
        resolve: (map: YAMLMap) => wrap(map.toJSON()),
      } as unknown as CollectionTag,
    ];
  },
);

const lineIn = (text: string, offset: number): number => {
  let line = 1;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1))
    line += 1;
  return line;
};

/**
 * JSON templates (what CDK and most tools write) are read with JSON.parse, the fast path; a resource's line is
 * where its key first appears after `"Resources"` as a key (`"Id":`).
 */
const parseJson = (text: string): ParsedTemplate | undefined => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const start = Math.max(0, text.search(/"Resources"\s*:/));
  return {
    template: parsed,
    lineOf: (logicalId) => {
      const key = new RegExp(`${JSON.stringify(logicalId).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*:`, 'g');
      key.lastIndex = start;
      const found = key.exec(text);
      return found === null ? 1 : lineIn(text, found.index);
    },
  };
};

const parseYaml = (text: string, file: string): ParsedTemplate => {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { customTags: CUSTOM_TAGS, lineCounter, prettyErrors: false });
  const [error] = document.errors;
  if (error !== undefined) {
    const { line } = lineCounter.linePos(error.pos[0]);
    throw new ScanInputError(
      `${file}:${line}: not a valid YAML or JSON template (${error.message.split('\n')[0]})`,
    );
  }
  let template: unknown;
  try {
    // The alias limit refuses a document that expands without bound (a "billion laughs").
    template = document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    throw new ScanInputError(`${file}: not a valid YAML or JSON template (${(error as Error).message})`, {
      cause: error,
    });
  }
  if (!isRecord(template)) throw new ScanInputError(`${file}: not a template (no mapping at the top)`);
  const lines = new Map<string, number>();
  const resources = isMap(document.contents) ? document.contents.get('Resources', true) : undefined;
  if (isMap(resources)) {
    for (const pair of resources.items) {
      const key = pair.key;
      if (isScalar(key) && key.range !== undefined && key.range !== null)
        lines.set(String((key as Scalar).value), lineCounter.linePos(key.range[0]).line);
    }
  }
  return { template, lineOf: (logicalId) => lines.get(logicalId) ?? 1 };
};

/** Reads a CloudFormation or SAM template, JSON or YAML (short-form intrinsics included). */
export const parseTemplateText = (text: string, file: string): ParsedTemplate => {
  if (text.trim() === '') throw new ScanInputError(`${file}: empty`);
  return (text.trimStart().startsWith('{') ? parseJson(text) : undefined) ?? parseYaml(text, file);
};
