import { isRecord, type JsonObject } from '../json.js';

/** A value of a template as far as the template itself says it. */
export type TemplateValue =
  | { readonly kind: 'text'; readonly text: string }
  /** Absent: missing, null or `Ref AWS::NoValue`. */
  | { readonly kind: 'none' }
  /**
   * Known only at deploy. `describe` says what the file holds (`Ref AppProfile`); `resource` is the logical id
   * a Ref or GetAtt names; `maybeNone` that one branch of a condition leaves the value out.
   */
  | {
      readonly kind: 'unknown';
      readonly describe: string;
      readonly resource?: string;
      readonly maybeNone?: boolean;
    };

/** What values are resolved against: the template's own sections. */
export interface TemplateScope {
  readonly parameters: JsonObject;
  readonly mappings: JsonObject;
  readonly resources: JsonObject;
}

const NONE: TemplateValue = { kind: 'none' };
const text = (value: string): TemplateValue => ({ kind: 'text', text: value });
const unknown = (
  describe: string,
  extra: { resource?: string; maybeNone?: boolean } = {},
): TemplateValue => ({
  kind: 'unknown',
  describe,
  ...extra,
});

/** Short, one-line form of an intrinsic for messages (`GetAtt Profile.Arn`, `Sub arn:...`). */
const brief = (value: unknown): string => {
  const json = JSON.stringify(value) ?? String(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
};

const resolveRef = (name: string, scope: TemplateScope): TemplateValue => {
  if (name === 'AWS::NoValue') return NONE;
  if (name.startsWith('AWS::')) return unknown(`Ref ${name}`);
  const parameter = scope.parameters[name];
  if (isRecord(parameter)) {
    // The default of an SSM-typed parameter is the SSM parameter's name, not the value it holds.
    const type = typeof parameter.Type === 'string' ? parameter.Type : '';
    if (parameter.Default === undefined || type.startsWith('AWS::SSM::')) {
      return unknown(`parameter ${name} (${type.startsWith('AWS::SSM::') ? 'from SSM' : 'no default'})`);
    }
    const fallback = resolveTemplateValue(parameter.Default, scope);
    return fallback.kind === 'text' ? text(fallback.text) : unknown(`parameter ${name}`);
  }
  if (scope.resources[name] !== undefined) return unknown(`Ref ${name}`, { resource: name });
  return unknown(`Ref ${name} (not in the template)`);
};

const allText = (values: readonly TemplateValue[]): string[] | undefined =>
  values.every((value) => value.kind === 'text')
    ? values.map((value) => (value as { text: string }).text)
    : undefined;

const resolveSub = (argument: unknown, scope: TemplateScope): TemplateValue => {
  const [pattern, variables] = Array.isArray(argument) ? argument : [argument, {}];
  if (typeof pattern !== 'string') return unknown(`Sub ${brief(argument)}`);
  const own = isRecord(variables) ? variables : {};
  let known = true;
  const result = pattern.replace(/\$\{([^}]*)\}/g, (whole: string, name: string) => {
    if (name.startsWith('!')) return `\${${name.slice(1)}}`;
    const [logicalId, attribute] = name.split('.', 2);
    const value =
      own[name] !== undefined
        ? resolveTemplateValue(own[name], scope)
        : attribute === undefined
          ? resolveRef(name, scope)
          : unknown(`GetAtt ${logicalId}.${attribute}`);
    if (value.kind === 'text') return value.text;
    known = false;
    return whole;
  });
  return known ? text(result) : unknown(`Sub ${brief(pattern)}`);
};

/** Parameter types whose value is a list, given as comma-separated text. */
const isListParameter = (type: unknown): boolean =>
  typeof type === 'string' && (type === 'CommaDelimitedList' || /^List<.*>$/.test(type));

/**
 * The items of a list argument (of Fn::Select, Fn::Join), unresolved: a literal list, an Fn::Split of a text
 * known before deploy, or a Ref to a list parameter's default (whose items CloudFormation trims). Undefined
 * when the list itself is known only at deploy.
 */
const listItems = (value: unknown, scope: TemplateScope): readonly unknown[] | undefined => {
  if (Array.isArray(value)) return value;
  if (!isRecord(value) || Object.keys(value).length !== 1) return undefined;
  const split = value['Fn::Split'];
  if (Array.isArray(split) && typeof split[0] === 'string' && split[0] !== '') {
    const source = resolveTemplateValue(split[1], scope);
    return source.kind === 'text' ? source.text.split(split[0]) : undefined;
  }
  const parameter = typeof value.Ref === 'string' ? scope.parameters[value.Ref] : undefined;
  if (isRecord(parameter) && isListParameter(parameter.Type) && typeof parameter.Default === 'string')
    return parameter.Default.split(',').map((item) => item.trim());
  return undefined;
};

const resolveFunction = (name: string, argument: unknown, scope: TemplateScope): TemplateValue => {
  switch (name) {
    case 'Ref':
      return typeof argument === 'string' ? resolveRef(argument, scope) : unknown(`Ref ${brief(argument)}`);
    case 'Fn::GetAtt': {
      const [logicalId, ...attribute] = Array.isArray(argument)
        ? argument.map(String)
        : String(argument).split('.');
      return unknown(`GetAtt ${logicalId}.${attribute.join('.')}`, {
        ...(logicalId !== undefined && scope.resources[logicalId] !== undefined
          ? { resource: logicalId }
          : {}),
      });
    }
    case 'Fn::Sub':
      return resolveSub(argument, scope);
    case 'Fn::Join': {
      const items = Array.isArray(argument) ? listItems(argument[1], scope) : undefined;
      if (!Array.isArray(argument) || typeof argument[0] !== 'string' || items === undefined)
        return unknown(`Join ${brief(argument)}`);
      const parts = allText(items.map((part: unknown) => resolveTemplateValue(part, scope)));
      return parts === undefined ? unknown(`Join ${brief(argument)}`) : text(parts.join(argument[0]));
    }
    case 'Fn::Select': {
      const items = Array.isArray(argument) ? listItems(argument[1], scope) : undefined;
      if (!Array.isArray(argument) || items === undefined) return unknown(`Select ${brief(argument)}`);
      const index = resolveTemplateValue(argument[0], scope);
      const item = index.kind === 'text' ? items[Number(index.text)] : undefined;
      return item === undefined ? unknown(`Select ${brief(argument)}`) : resolveTemplateValue(item, scope);
    }
    case 'Fn::FindInMap': {
      if (!Array.isArray(argument)) return unknown(`FindInMap ${brief(argument)}`);
      const keys = allText(argument.slice(0, 3).map((key: unknown) => resolveTemplateValue(key, scope)));
      const [map, top, second] = keys ?? [];
      const level = map === undefined || top === undefined ? undefined : scope.mappings[map];
      const row = isRecord(level) && top !== undefined ? level[top] : undefined;
      const value = isRecord(row) && second !== undefined ? row[second] : undefined;
      return value === undefined
        ? unknown(`FindInMap ${brief(argument)}`)
        : resolveTemplateValue(value, scope);
    }
    case 'Fn::If': {
      if (!Array.isArray(argument)) return unknown(`If ${brief(argument)}`);
      const [condition, whenTrue, whenFalse] = argument;
      const branches = [resolveTemplateValue(whenTrue, scope), resolveTemplateValue(whenFalse, scope)];
      const [first, second] = branches as [TemplateValue, TemplateValue];
      if (first.kind === 'text' && second.kind === 'text' && first.text === second.text) return first;
      if (first.kind === 'none' && second.kind === 'none') return NONE;
      return unknown(`If ${String(condition)}`, {
        maybeNone: branches.some(
          (branch) => branch.kind === 'none' || (branch.kind === 'text' && branch.text === ''),
        ),
      });
    }
    default:
      return unknown(`${name.replace(/^Fn::/, '')} ${brief(argument)}`);
  }
};

/**
 * What a template value comes to before deploy: literal text, absent, or known only at deploy (with what the
 * template says instead). Parameters with a default resolve to it, and Fn::Select and Fn::Join take lists of
 * Fn::Split and list parameters' defaults too; pseudo parameters, resource attributes, imports and conditions
 * do not resolve.
 */
export const resolveTemplateValue = (value: unknown, scope: TemplateScope): TemplateValue => {
  if (value === undefined || value === null) return NONE;
  if (typeof value === 'string') return text(value);
  if (typeof value === 'number' || typeof value === 'boolean') return text(String(value));
  if (isRecord(value)) {
    const keys = Object.keys(value);
    const [name] = keys;
    if (keys.length === 1 && name !== undefined && (name === 'Ref' || name.startsWith('Fn::')))
      return resolveFunction(name, value[name], scope);
  }
  return unknown(brief(value));
};
