import type { Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleChunks, formatChunks } from '../../../scripts/bundle-chunks.mjs';

type Edge = Metafile['inputs'][string]['imports'][number];
const edge = (path: string, kind: Edge['kind'], external = false): Edge => ({ path, kind, external });

/**
 * A bundle of src/handler.ts: it imports a module of re-exports only (no byte in the output) that brings
 * the Config client, and loads the sweep and the IAM lookup with import(); both lazy modules share one.
 */
const metafile: Metafile = {
  inputs: {
    'src/handler.ts': {
      bytes: 0,
      imports: [
        edge('src/config/index.ts', 'import-statement'),
        edge('src/run/sweep.ts', 'dynamic-import'),
        edge('src/iam/profile-roles.ts', 'dynamic-import'),
        edge('node:fs', 'import-statement', true),
      ],
    },
    'src/config/index.ts': {
      bytes: 0,
      imports: [edge('node_modules/@aws-sdk/client-config-service/index.js', 'import-statement')],
    },
    'node_modules/@aws-sdk/client-config-service/index.js': { bytes: 0, imports: [] },
    'src/run/sweep.ts': {
      bytes: 0,
      imports: [
        edge('node_modules/@aws-sdk/client-ec2/index.js', 'require-call'),
        edge('src/shared.ts', 'import-statement'),
        edge('src/config/index.ts', 'import-statement'),
      ],
    },
    'node_modules/@aws-sdk/client-ec2/index.js': { bytes: 0, imports: [] },
    'src/iam/profile-roles.ts': { bytes: 0, imports: [edge('src/shared.ts', 'import-statement')] },
    'src/shared.ts': { bytes: 0, imports: [] },
  },
  outputs: {
    'dist/function/handler.mjs': {
      bytes: 1_000,
      entryPoint: 'src/handler.ts',
      imports: [],
      exports: ['handler'],
      inputs: {
        'src/handler.ts': { bytesInOutput: 50 },
        'node_modules/@aws-sdk/client-config-service/index.js': { bytesInOutput: 300 },
        'src/run/sweep.ts': { bytesInOutput: 20 },
        'node_modules/@aws-sdk/client-ec2/index.js': { bytesInOutput: 500 },
        'src/iam/profile-roles.ts': { bytesInOutput: 70 },
        'src/shared.ts': { bytesInOutput: 10 },
      },
    },
  },
};

describe('bundleChunks', () => {
  it('splits the file into what the entry evaluates and what each import() evaluates later', () => {
    // Act
    const chunks = bundleChunks(metafile, 'dist/function/handler.mjs');

    // Assess: helpers and banner (1,000 − 950 bytes) count as eager
    expect(chunks).toEqual([
      { name: 'eager', lazy: false, bytes: 400, modules: 2 },
      { name: 'run/sweep', lazy: true, bytes: 520, modules: 2 },
      { name: 'iam/profile-roles', lazy: true, bytes: 70, modules: 1 },
      { name: 'shared', lazy: true, bytes: 10, modules: 1 },
    ]);
    expect(chunks.reduce((sum, chunk) => sum + chunk.bytes, 0)).toBe(1_000);
  });

  it('refuses an output that is not an entry point’s', () => {
    // Act
    const chunks = () => bundleChunks(metafile, 'dist/function/handler.mjs.map');

    // Assess
    expect(chunks).toThrow('dist/function/handler.mjs.map is not the output of an entry point');
  });

  it('prints one line per chunk with its share of the file', () => {
    // Act
    const table = formatChunks(
      'dist/function/handler.mjs',
      bundleChunks(metafile, 'dist/function/handler.mjs'),
    );

    // Assess
    expect(table.split('\n')).toEqual([
      'dist/function/handler.mjs: one file, parsed whole at cold start; its modules are evaluated in these chunks',
      expect.stringMatching(/^chunk +bytes +share +modules$/),
      expect.stringMatching(/^eager: evaluated at cold start \(change path\) +400 +40\.0% +2$/),
      expect.stringMatching(/^lazy: import\(run\/sweep\) +520 +52\.0% +2$/),
      expect.stringMatching(/^lazy: import\(iam\/profile-roles\) +70 +7\.0% +1$/),
      expect.stringMatching(/^lazy: shared by several import\(\) +10 +1\.0% +1$/),
    ]);
  });
});
