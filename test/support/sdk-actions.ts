import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The IAM actions the shipped function calls, read from its source rather than listed by hand: every
 * `new XxxCommand(` and `paginateXxx(` in the files the function's two entry points reach, each mapped to the
 * IAM service prefix of the SDK client package it comes from (`ec2:DescribeInstances`). Calls that libraries
 * make for the code are added where the code uses them (LIBRARY_CALLS).
 */

const SRC_DIR = fileURLToPath(new URL('../../src/', import.meta.url));

/** The function's entry points, as template.yaml builds them. */
export const FUNCTION_ENTRY_POINTS = ['handler.ts', 'extensions.ts'];

/** SDK client package → IAM service prefix. */
export const IAM_PREFIX_OF_PACKAGE: Readonly<Record<string, string>> = {
  '@aws-sdk/client-config-service': 'config',
  '@aws-sdk/client-ec2': 'ec2',
  '@aws-sdk/client-iam': 'iam',
  '@aws-sdk/client-ssm': 'ssm',
  '@aws-sdk/client-sts': 'sts',
};

/** What a library sends on the code's behalf, by the name the code uses from it. */
const LIBRARY_CALLS: Readonly<Record<string, string>> = {
  // @aws-lambda-powertools/parameters: provider.get(name) sends GetParameter.
  SSMProvider: 'ssm:GetParameter',
  // @aws-sdk/credential-providers: assumed-role credentials come from AssumeRole.
  fromTemporaryCredentials: 'sts:AssumeRole',
};

/** Calls that IAM never refuses, so no policy needs to allow them. */
const NEEDS_NO_PERMISSION = new Set(['sts:GetCallerIdentity']);

/** The source files reachable from the entry points through relative imports, re-exports and import(). */
export const reachableFiles = (entryPoints: readonly string[] = FUNCTION_ENTRY_POINTS): string[] => {
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    seen.add(file);
    const text = readFileSync(file, 'utf8');
    for (const [, specifier] of text.matchAll(/(?:from|import\()\s*'(\.{1,2}\/[^']+)'/g)) {
      visit(resolve(dirname(file), (specifier as string).replace(/\.js$/, '.ts')));
    }
  };
  for (const entry of entryPoints) visit(join(SRC_DIR, entry));
  return [...seen].sort();
};

/** The actions the function's code calls (needing a permission), sorted. */
export const functionActions = (): string[] => {
  const files = reachableFiles().map((file) => readFileSync(file, 'utf8'));
  // Which package each imported or re-exported name comes from.
  const packageOf = new Map<string, string>();
  for (const text of files) {
    for (const [, names, from] of text.matchAll(
      /(?:import|export)\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'([^']+)'/g,
    )) {
      for (const name of (names as string).split(',')) {
        const local = name
          .replace(/^\s*type\s+/, '')
          .trim()
          .split(/\s+as\s+/)[0] as string;
        if (local !== '') packageOf.set(local, from as string);
      }
    }
  }
  const actions = new Set<string>();
  for (const text of files) {
    for (const match of text.matchAll(/new ([A-Z]\w*)Command\(|paginate([A-Z]\w*)\(/g)) {
      const [operation, name] =
        match[1] !== undefined
          ? [match[1], `${match[1]}Command`]
          : [match[2] as string, `paginate${match[2]}`];
      const pkg = packageOf.get(name);
      const prefix = pkg === undefined ? undefined : IAM_PREFIX_OF_PACKAGE[pkg];
      if (prefix === undefined)
        throw new Error(`${name}: no SDK client package (or IAM prefix) known for it`);
      actions.add(`${prefix}:${operation}`);
    }
    for (const [name, action] of Object.entries(LIBRARY_CALLS)) {
      if (new RegExp(`\\b${name}\\b`).test(text)) actions.add(action);
    }
  }
  return [...actions].filter((action) => !NEEDS_NO_PERMISSION.has(action)).sort();
};
