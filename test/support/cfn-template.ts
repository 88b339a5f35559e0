import { type CloudFormationTemplate, readCloudFormationTemplate } from '../../scripts/cfn-yaml.mjs';

/** A parsed CloudFormation template: plain data, intrinsic functions in their long form. */
export type Template = CloudFormationTemplate;

/** The project's template. */
export const TEMPLATE_URL = new URL('../../template.yaml', import.meta.url);

/** Reads the project's template with the loader the build uses. */
export const loadTemplate = (): Template => readCloudFormationTemplate(TEMPLATE_URL);

/** The pseudo parameters CloudFormation defines; a Ref to any other `AWS::` name is a mistake. */
export const PSEUDO_PARAMETERS = [
  'AWS::AccountId',
  'AWS::NoValue',
  'AWS::NotificationARNs',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
] as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Every object (mapping) found under `node`, `node` included, depth first. */
export function* objectsIn(node: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(node)) {
    for (const item of node) yield* objectsIn(item);
  } else if (isObject(node)) {
    yield node;
    for (const value of Object.values(node)) yield* objectsIn(value);
  }
}

/** Every string found under `node`. */
export function* stringsIn(node: unknown): Generator<string> {
  if (typeof node === 'string') yield node;
  else if (Array.isArray(node)) for (const item of node) yield* stringsIn(item);
  else if (isObject(node)) for (const value of Object.values(node)) yield* stringsIn(value);
}

/** The names `Fn::Sub` substitutes in a template string, less `${!Literal}` escapes and local variables. */
const subVariables = (sub: unknown): string[] => {
  const [text, locals] = Array.isArray(sub) ? sub : [sub, {}];
  if (typeof text !== 'string') return [];
  return [...text.matchAll(/\$\{([^}]+)\}/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !name.startsWith('!') && !(isObject(locals) && name in locals));
};

/** What a template refers to: Ref / GetAtt / Sub targets (logical ids or parameter names) and conditions. */
export const referencesIn = (node: unknown): { targets: string[]; conditions: string[] } => {
  const targets: string[] = [];
  const conditions: string[] = [];
  for (const object of objectsIn(node)) {
    if (typeof object.Ref === 'string') targets.push(object.Ref);
    const getAtt = object['Fn::GetAtt'];
    if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') targets.push(getAtt[0]);
    if ('Fn::Sub' in object) {
      // `${Resource.Attribute}` refers to the resource.
      targets.push(...subVariables(object['Fn::Sub']).map((name) => (name.split('.')[0] ?? name).trim()));
    }
    const fnIf = object['Fn::If'];
    if (Array.isArray(fnIf) && typeof fnIf[0] === 'string') conditions.push(fnIf[0]);
    // Both a resource's `Condition: Name` and the `{ Condition: Name }` intrinsic; an IAM statement's
    // Condition block is a mapping and is not a condition name.
    if (typeof object.Condition === 'string') conditions.push(object.Condition);
  }
  return { targets, conditions };
};

/** Marks a value removed by `AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Template parameter values: the defaults, overridden by `overrides`, all as strings (as CloudFormation passes them). */
export const parameterValues = (template: Template, overrides: Record<string, string> = {}) => {
  const values: Record<string, string> = {};
  for (const [name, parameter] of Object.entries<Record<string, unknown>>(template.Parameters ?? {})) {
    if (parameter.Default !== undefined) values[name] = String(parameter.Default);
  }
  return { ...values, ...overrides };
};

/**
 * Resolves what the template's intrinsic functions decide for a set of parameter values: conditions and
 * `Fn::If` are evaluated, `AWS::NoValue` removes its key or item, parameter Refs and `${Parameter}` in
 * `Fn::Sub` become their values. Refs to resources and pseudo parameters stay as they are (`${AWS::Region}`
 * stays in a Sub string), so the result still shows what points where.
 */
export const resolveTemplate = (template: Template, overrides: Record<string, string> = {}): Template => {
  const parameters = parameterValues(template, overrides);
  const conditionCache = new Map<string, boolean>();

  const condition = (name: string): boolean => {
    const cached = conditionCache.get(name);
    if (cached !== undefined) return cached;
    const definition = template.Conditions?.[name];
    if (definition === undefined) throw new Error(`Condition ${name} is not defined`);
    const value = resolve(definition);
    if (typeof value !== 'boolean') throw new Error(`Condition ${name} did not evaluate to a boolean`);
    conditionCache.set(name, value);
    return value;
  };

  const resolve = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(resolve).filter((item) => item !== NO_VALUE);
    if (!isObject(node)) return node;
    const keys = Object.keys(node);
    if (keys.length === 1) {
      const [key] = keys as [string];
      const argument = node[key];
      const list = Array.isArray(argument) ? argument : [];
      switch (key) {
        case 'Ref':
          if (argument === 'AWS::NoValue') return NO_VALUE;
          return typeof argument === 'string' && argument in parameters ? parameters[argument] : node;
        case 'Condition':
          return typeof argument === 'string' ? condition(argument) : node;
        case 'Fn::If':
          return resolve(condition(String(list[0])) ? list[1] : list[2]);
        case 'Fn::Equals': {
          const [left, right] = list.map(resolve);
          return JSON.stringify(left) === JSON.stringify(right);
        }
        case 'Fn::Not':
          return !resolve(list[0]);
        case 'Fn::And':
          return list.every((item) => resolve(item) === true);
        case 'Fn::Or':
          return list.some((item) => resolve(item) === true);
        case 'Fn::Split':
          return String(resolve(list[1])).split(String(list[0]));
        case 'Fn::Join': {
          const items = resolve(list[1]);
          return Array.isArray(items) && items.every((item) => typeof item === 'string')
            ? items.join(String(list[0]))
            : node;
        }
        case 'Fn::FindInMap': {
          const [map, top, second] = list.map(resolve).map(String) as [string, string, string];
          return template.Mappings?.[map]?.[top]?.[second] ?? node;
        }
        case 'Fn::Select': {
          const items = resolve(list[1]);
          return Array.isArray(items) ? items[Number(list[0])] : node;
        }
        case 'Fn::Sub': {
          const [text, locals = {}] = Array.isArray(argument) ? argument : [argument];
          const variables = resolve(locals) as Record<string, unknown>;
          return String(text).replace(/\$\{([^}!]+)\}/g, (whole, name: string) => {
            const value = variables[name] ?? parameters[name];
            return value === undefined ? whole : String(value);
          });
        }
        default:
          break;
      }
    }
    const result: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      const resolved = resolve(value);
      if (resolved !== NO_VALUE) result[key] = resolved;
    }
    return result;
  };

  return resolve(template) as Template;
};

/** An IAM policy statement, intrinsic functions resolved. */
export interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

/**
 * The statements of an `AWS::IAM::Role`'s inline policies. A policy written as JSON text (an `Fn::Sub`, so
 * that a condition key can name a parameter) is read once the template is resolved.
 */
export const inlineStatements = (role: Template): Statement[] =>
  (role.Properties?.Policies ?? []).flatMap((policy: Template) => {
    const document =
      typeof policy.PolicyDocument === 'string' ? JSON.parse(policy.PolicyDocument) : policy.PolicyDocument;
    const statements = document?.Statement ?? [];
    return Array.isArray(statements) ? statements : [statements];
  });

/** The statements that allow `action`. */
export const statementsAllowing = (statements: readonly Statement[], action: string): Statement[] =>
  statements.filter(
    (statement) => statement.Effect === 'Allow' && [statement.Action].flat().includes(action),
  );

/** The actions of a list of statements, sorted and without duplicates. */
export const actionsOf = (statements: readonly Statement[]): string[] =>
  [...new Set(statements.flatMap((statement) => [statement.Action].flat()))].sort();

/**
 * The assertions of the template's `Rules` that fail for these parameter values (those whose rule applies):
 * what CloudFormation would refuse the stack with, by AssertDescription.
 */
export const failedAssertions = (template: Template, overrides: Record<string, string> = {}): string[] => {
  const evaluate = (node: unknown): unknown =>
    resolveTemplate(
      { Parameters: template.Parameters, Conditions: template.Conditions, Holds: node },
      overrides,
    ).Holds;
  return Object.values<Template>(template.Rules ?? {}).flatMap((rule) => {
    if (rule.RuleCondition !== undefined && evaluate(rule.RuleCondition) !== true) return [];
    return (rule.Assertions as Template[])
      .filter((assertion) => evaluate(assertion.Assert) !== true)
      .map((assertion) => String(assertion.AssertDescription));
  });
};

/** Whether the template rule (of the `Rules` section) named holds for these parameter values. */
export const templateRuleHolds = (
  template: Template,
  rule: string,
  overrides: Record<string, string> = {},
): boolean => {
  const named = template.Rules?.[rule];
  if (named === undefined) throw new Error(`The template has no rule ${rule}`);
  return failedAssertions({ ...template, Rules: { [rule]: named } }, overrides).length === 0;
};
