import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { ScanInputError } from '../errors.js';
import { isRecord, type JsonObject } from '../json.js';
import type { RuleParameters } from '../rule/parameters.js';
import { isCloudAssembly, readCloudAssembly, shownPath } from './cdk-assembly.js';
import { readTemplate } from './cloudformation.js';
import { decideScanned } from './decide-scanned.js';
import type { ScanFinding, ScannedResource } from './scanned.js';
import { parseTemplateText } from './template-text.js';
import { isTerraformPlan, readTerraformPlan } from './terraform-plan.js';

/** What a scan found: the decisions, and the files of a directory it passed over (neither template nor plan). */
export interface ScanReport {
  readonly findings: readonly ScanFinding[];
  readonly files: readonly string[];
  readonly skipped: readonly string[];
}

const TEMPLATE_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template']);
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform']);

const isTemplate = (document: JsonObject): boolean =>
  isRecord(document.Resources) || typeof document.AWSTemplateFormatVersion === 'string';

/** Reads one file; undefined when it is neither a template nor a plan (and `strict` is off). */
const readFile = (file: string, strict: boolean): ScannedResource[] | undefined => {
  const text = readFileSync(file, 'utf8');
  const shown = shownPath(file);
  let parsed: ReturnType<typeof parseTemplateText>;
  try {
    parsed = parseTemplateText(text, shown);
  } catch (error) {
    if (!strict && error instanceof ScanInputError) return undefined;
    throw error;
  }
  const { template } = parsed;
  if (isTerraformPlan(template)) return readTerraformPlan(template, shown, text);
  if (isTemplate(template)) return readTemplate({ file: shown, ...parsed });
  if (strict)
    throw new ScanInputError(
      `${shown}: neither a CloudFormation/SAM template (no Resources) nor a Terraform plan (terraform show -json)`,
    );
  return undefined;
};

const readManifest = (directory: string): JsonObject | undefined => {
  const file = join(directory, 'manifest.json');
  if (!existsSync(file)) return undefined;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
};

/**
 * Scans files and directories: a named file must be a template or a plan; a directory is a cloud assembly
 * (it has a CDK manifest.json) or is walked for templates and plans, and what it holds besides is listed
 * as skipped, never dropped unseen.
 */
export const scanPaths = (paths: readonly string[], parameters: RuleParameters): ScanReport => {
  const resources: ScannedResource[] = [];
  const files: string[] = [];
  const skipped: string[] = [];
  const visit = (path: string, named: boolean): void => {
    if (!existsSync(path)) throw new ScanInputError(`${path}: no such file or directory`);
    if (!statSync(path).isDirectory()) {
      if (!named && !TEMPLATE_EXTENSIONS.has(extname(path).toLowerCase())) return;
      const read = readFile(path, named);
      if (read === undefined) skipped.push(shownPath(path));
      else {
        files.push(shownPath(path));
        resources.push(...read);
      }
      return;
    }
    const manifest = readManifest(path);
    if (manifest !== undefined && isCloudAssembly(manifest)) {
      for (const source of readCloudAssembly(path, shownPath)) {
        files.push(source.file);
        resources.push(...readTemplate(source));
      }
      return;
    }
    for (const entry of readdirSync(path, { withFileTypes: true }).sort((a, b) =>
      a.name.localeCompare(b.name),
    )) {
      if (entry.isDirectory() && SKIPPED_DIRECTORIES.has(entry.name)) continue;
      visit(join(path, entry.name), false);
    }
  };
  for (const path of paths) visit(path, true);
  return {
    findings: resources.map((resource) => decideScanned(resource, parameters)),
    files,
    skipped,
  };
};
