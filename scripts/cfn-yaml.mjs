import { readFileSync } from 'node:fs';
import { parseDocument } from 'yaml';

/**
 * Intrinsic functions CloudFormation accepts in short form (`!Name`); each becomes `{ "Fn::Name": value }`.
 * `!Ref` and `!Condition` are the two whose long form has no `Fn::` prefix.
 */
const FUNCTIONS = [
  'And',
  'Base64',
  'Cidr',
  'Contains',
  'EachMemberEquals',
  'EachMemberIn',
  'Equals',
  'FindInMap',
  'GetAZs',
  'GetAtt',
  'If',
  'ImportValue',
  'Join',
  'Not',
  'Or',
  'RefAll',
  'Select',
  'Split',
  'Sub',
  'Transform',
  'ValueOf',
  'ValueOfAll',
];

/**
 * `!GetAtt Resource.Attribute` is the scalar form of `Fn::GetAtt: [Resource, Attribute]`; the attribute
 * may itself hold dots (`Outputs.Name`), the logical id never does.
 * @param {string} value
 */
const splitGetAtt = (value) => {
  const dot = value.indexOf('.');
  return dot === -1 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
};

/**
 * The scalar, sequence and mapping forms of one short-form tag.
 * @param {string} name
 * @param {(value: unknown) => unknown} wrap
 * @returns {import('yaml').Tags}
 */
const tagsFor = (name, wrap) => [
  { tag: `!${name}`, resolve: (/** @type {string} */ value) => wrap(value) },
  { tag: `!${name}`, collection: 'seq', resolve: (collection) => wrap(collection.toJSON()) },
  { tag: `!${name}`, collection: 'map', resolve: (collection) => wrap(collection.toJSON()) },
];

/**
 * Custom tags for the `yaml` package that turn CloudFormation short forms into their long forms.
 * @type {import('yaml').Tags}
 */
export const cloudFormationTags = [
  ...tagsFor('Ref', (value) => ({ Ref: value })),
  ...tagsFor('Condition', (value) => ({ Condition: value })),
  ...FUNCTIONS.flatMap((name) =>
    tagsFor(name, (value) =>
      name === 'GetAtt' && typeof value === 'string'
        ? { 'Fn::GetAtt': splitGetAtt(value) }
        : { [`Fn::${name}`]: value },
    ),
  ),
];

/**
 * Parses a CloudFormation / SAM template written in YAML, short-form intrinsic functions included.
 * Any YAML error or warning (an unknown tag among them) throws: a template that is read wrong must not
 * be built or checked silently.
 * @param {string} source the YAML text
 * @returns {Record<string, any>} the template as plain data
 */
export const parseCloudFormationYaml = (source) => {
  const document = parseDocument(source, { customTags: cloudFormationTags, prettyErrors: true });
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    throw new Error(`Invalid CloudFormation YAML:\n${problems.map((problem) => problem.message).join('\n')}`);
  }
  return document.toJS({ maxAliasCount: -1 });
};

/**
 * Reads and parses a template file.
 * @param {string | URL} path
 * @returns {Record<string, any>}
 */
export const readCloudFormationTemplate = (path) => parseCloudFormationYaml(readFileSync(path, 'utf8'));
