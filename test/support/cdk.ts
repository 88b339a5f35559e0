import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Stack } from 'aws-cdk-lib';
import { Template as Assertions } from 'aws-cdk-lib/assertions';
import { inlineStatements, type Statement, type Template } from './cfn-template.js';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));

/** The constructs package dist/function/; builds it (as `npm run build` does) when it is missing. */
export const ensureFunctionBuilt = (): void => {
  if (existsSync(`${PROJECT_DIR}/dist/function/handler.mjs`)) return;
  execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'pipe' });
};

/** A synthesized stack: the assertions API, and the template as data. */
export interface Synthesized {
  readonly assertions: Assertions;
  readonly template: Template;
  readonly stack: Stack;
}

/** Where the apps of this test file write their cloud assemblies; `removeSynthesized` deletes it. */
let outdirs: string | undefined;

/** Deletes every cloud assembly `synthesize` wrote (a CDK app otherwise leaves one in the temp folder). */
export const removeSynthesized = (): void => {
  if (outdirs !== undefined) rmSync(outdirs, { recursive: true, force: true });
  outdirs = undefined;
};

/** Synthesizes one stack, built by `build`, in a fresh app (context: feature flags, as cdk.json sets them). */
export const synthesize = (
  build: (stack: Stack) => void,
  context: Record<string, unknown> = {},
): Synthesized => {
  outdirs ??= mkdtempSync(join(tmpdir(), 'cdk-test-'));
  const app = new App({ context, outdir: mkdtempSync(join(outdirs, 'app-')) });
  const stack = new Stack(app, 'RuleStack');
  build(stack);
  const assertions = Assertions.fromStack(stack);
  return { assertions, template: assertions.toJSON() as Template, stack };
};

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Writes the ARNs the CDK builds with Fn::Join and pseudo-parameter Refs in the Fn::Sub form the templates
 * use (`arn:${AWS::Partition}:...`), so both compare against the same expectations. Other values stay.
 */
export const subForm = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(subForm);
  if (!isObject(value)) return value;
  const join = value['Fn::Join'];
  if (Array.isArray(join) && join[0] === '' && Array.isArray(join[1])) {
    const parts = join[1].map((part: unknown) =>
      typeof part === 'string'
        ? part
        : isObject(part) && typeof part.Ref === 'string' && part.Ref.startsWith('AWS::')
          ? `\${${part.Ref}}`
          : undefined,
    );
    if (parts.every((part) => part !== undefined)) return parts.join('');
  }
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, subForm(item)]));
};

/** The logical ids of a template's resources of one type. */
export const idsOf = (template: Template, type: string): string[] =>
  Object.entries<Template>(template.Resources)
    .filter(([, resource]) => resource.Type === type)
    .map(([id]) => id);

/** The one resource of a type, with its logical id; throws when there are none or several. */
export const onlyOf = (template: Template, type: string): [string, Template] => {
  const ids = idsOf(template, type);
  if (ids.length !== 1) throw new Error(`expected one ${type}, found ${ids.length}`);
  const id = ids[0] as string;
  return [id, template.Resources[id]];
};

/** The inline statements of a role, in Fn::Sub form. */
export const statementsOfRole = (template: Template, roleId: string): Statement[] =>
  subForm(inlineStatements(template.Resources[roleId])) as Statement[];
