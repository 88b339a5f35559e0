import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ScanInputError } from '../errors.js';
import { isRecord, type JsonObject } from '../json.js';
import type { TemplateSource } from './cloudformation.js';
import { parseTemplateText } from './template-text.js';

const STACK = 'aws:cloudformation:stack';
const NESTED_ASSEMBLY = 'cdk:cloud-assembly';
const CDK_PATH = 'aws:cdk:path';
const LOGICAL_ID = 'aws:cdk:logicalId';

/** A file the assembly names; a missing one (a damaged or partly copied cdk.out/) is named as such. */
const readText = (file: string): string => {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    const why = (error as Error).message;
    throw new ScanInputError(`${file}: named by the cloud assembly, but cannot be read (${why})`, {
      cause: error,
    });
  }
};

const readJson = (file: string): JsonObject => {
  const text = readText(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ScanInputError(`${file}: not readable JSON (${(error as Error).message})`, { cause: error });
  }
  if (!isRecord(parsed)) throw new ScanInputError(`${file}: not a JSON object`);
  return parsed;
};

/**
 * Construct paths of a stack's resources from the artifact's metadata (`/Stack/Bucket/Resource` → logical id).
 * The CDK writes that metadata into the manifest (older releases) or into the artifact's
 * `additionalMetadataFile` (current ones); both are read.
 */
const pathsFromMetadata = (artifact: JsonObject, directory: string): Map<string, string> => {
  const paths = new Map<string, string>();
  const sources = [
    artifact.metadata,
    typeof artifact.additionalMetadataFile === 'string'
      ? readJson(join(directory, artifact.additionalMetadataFile))
      : undefined,
  ];
  for (const metadata of sources) {
    if (!isRecord(metadata)) continue;
    for (const [path, entries] of Object.entries(metadata)) {
      for (const entry of Array.isArray(entries) ? entries : []) {
        if (isRecord(entry) && entry.type === LOGICAL_ID && typeof entry.data === 'string')
          paths.set(entry.data, path.replace(/^\//, ''));
      }
    }
  }
  return paths;
};

/** Whether a directory holds a cloud assembly (`cdk.out/`). */
export const isCloudAssembly = (manifest: JsonObject): boolean =>
  typeof manifest.version === 'string' && isRecord(manifest.artifacts);

/**
 * The stack templates of a CDK cloud assembly (`cdk.out/manifest.json` → stack artifacts → templates, nested
 * assemblies of CDK Stages included), each with the construct paths of its resources (`aws:cdk:path`).
 * `shownAs` makes file names relative for the report.
 */
export const readCloudAssembly = (directory: string, shownAs: (file: string) => string): TemplateSource[] => {
  const manifest = readJson(join(directory, 'manifest.json'));
  if (!isCloudAssembly(manifest))
    throw new ScanInputError(`${join(directory, 'manifest.json')}: not a cloud assembly manifest`);
  const sources: TemplateSource[] = [];
  for (const artifact of Object.values(manifest.artifacts as JsonObject)) {
    if (!isRecord(artifact) || !isRecord(artifact.properties)) continue;
    if (artifact.type === NESTED_ASSEMBLY && typeof artifact.properties.directoryName === 'string') {
      sources.push(...readCloudAssembly(join(directory, artifact.properties.directoryName), shownAs));
      continue;
    }
    if (artifact.type !== STACK || typeof artifact.properties.templateFile !== 'string') continue;
    const file = join(directory, artifact.properties.templateFile);
    const { template, lineOf } = parseTemplateText(readText(file), file);
    const fromManifest = pathsFromMetadata(artifact, directory);
    const resources = isRecord(template.Resources) ? template.Resources : {};
    sources.push({
      file: shownAs(file),
      template,
      lineOf,
      constructPathOf: (logicalId) => {
        const resource = resources[logicalId];
        const metadata = isRecord(resource) && isRecord(resource.Metadata) ? resource.Metadata : {};
        return typeof metadata[CDK_PATH] === 'string' ? metadata[CDK_PATH] : fromManifest.get(logicalId);
      },
    });
  }
  return sources;
};

/** A path relative to the working directory, with forward slashes (SARIF and GitHub want those). */
export const shownPath = (file: string, base = process.cwd()): string =>
  relative(base, file).split('\\').join('/') || file;
