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

/** A file of a directory that scan passed over, and why (the message names the file). */
export interface SkippedFile {
  readonly file: string;
  readonly why: string;
}

/** What a scan found: the decisions, and the files of a directory it passed over (neither template nor plan). */
export interface ScanReport {
  readonly findings: readonly ScanFinding[];
  readonly files: readonly string[];
  readonly skipped: readonly SkippedFile[];
}

const TEMPLATE_EXTENSIONS = new Set(['.json', '.yaml', '.yml', '.template']);
const SKIPPED_DIRECTORIES = new Set(['node_modules', '.git', '.terraform']);

const isTemplate = (document: JsonObject): boolean =>
  isRecord(document.Resources) || typeof document.AWSTemplateFormatVersion === 'string';

/** What `terraform show -json` prints for a state (no plan file): values, but no changes. */
const isTerraformState = (document: JsonObject): boolean =>
  typeof document.format_version === 'string' && isRecord(document.values);

const PLAN_COMMAND = 'terraform plan -out plan.out, then terraform show -json plan.out > plan.json';

/**
 * What a file scan does not read is, when its first bytes or its name say so, with what to give instead: the
 * files people pass by mistake (Terraform's binary plan, its configuration).
 */
const notReadable = (file: string, text: string): string | undefined => {
  if (text.startsWith('PK\u0003\u0004'))
    return `${file}: a zip file, as Terraform writes a binary plan; scan reads its JSON: ${PLAN_COMMAND}`;
  if (text.includes('\u0000')) return `${file}: a binary file, neither a template nor a plan`;
  if (extname(file).toLowerCase() === '.tf')
    return `${file}: a Terraform configuration; scan reads its plan: ${PLAN_COMMAND}`;
  return undefined;
};

/** Reads one file: what it would launch, or why it is neither a template nor a plan that scan reads. */
const readFile = (file: string): ScannedResource[] | ScanInputError => {
  const text = readFileSync(file, 'utf8');
  const shown = shownPath(file);
  const other = notReadable(shown, text);
  if (other !== undefined) return new ScanInputError(other);
  try {
    const parsed = parseTemplateText(text, shown);
    const { template } = parsed;
    if (isTerraformPlan(template)) return readTerraformPlan(template, shown, text);
    if (isTemplate(template)) return readTemplate({ file: shown, ...parsed });
    if (isTerraformState(template))
      return new ScanInputError(
        `${shown}: a Terraform state, not a plan; scan reads a plan: ${PLAN_COMMAND}`,
      );
    return new ScanInputError(
      `${shown}: neither a CloudFormation/SAM template (no Resources) nor a Terraform plan (terraform show -json)`,
    );
  } catch (error) {
    if (error instanceof ScanInputError) return error;
    throw error;
  }
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
 * (it has a CDK manifest.json) or is walked for templates and plans (files named .json, .yaml, .yml,
 * .template), and those of them it cannot read as one, and Terraform configurations (.tf), are listed as
 * skipped with the reason, never dropped unseen.
 */
export const scanPaths = (paths: readonly string[], parameters: RuleParameters): ScanReport => {
  const resources: ScannedResource[] = [];
  const files: string[] = [];
  const skipped: SkippedFile[] = [];
  const visit = (path: string, named: boolean): void => {
    if (!existsSync(path)) throw new ScanInputError(`${path}: no such file or directory`);
    if (!statSync(path).isDirectory()) {
      const extension = extname(path).toLowerCase();
      // A Terraform configuration is named, so that a folder of them does not pass as one with no findings.
      if (!named && !TEMPLATE_EXTENSIONS.has(extension) && extension !== '.tf') return;
      const read = readFile(path);
      if (read instanceof ScanInputError) {
        if (named) throw read;
        skipped.push({ file: shownPath(path), why: read.message });
      } else {
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
  for (const path of paths) {
    const [readBefore, skippedBefore] = [files.length, skipped.length];
    visit(path, true);
    // A folder with nothing to read is a path given by mistake: passing it would pass a check unseen.
    if (files.length === readBefore && skipped.length === skippedBefore) {
      throw new ScanInputError(
        `${path}: holds no template, CDK cloud assembly or Terraform plan (.json, .yaml, .yml, .template)`,
      );
    }
  }
  return {
    findings: resources.map((resource) => decideScanned(resource, parameters)),
    files,
    skipped,
  };
};
