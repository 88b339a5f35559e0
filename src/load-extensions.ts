import type * as Extensions from './extensions.js';

/**
 * Loads `extensions.ts` on first use. In the Lambda package it is its own file beside the handler
 * (`extensions.mjs`, a second entry point of the same esbuild build): a dynamic import inside one bundle
 * would still make every cold start parse the EC2, SSM and IAM clients. The specifier is computed, so the
 * bundler leaves it alone; from source, it names the TypeScript module.
 */
export const loadExtensions = (): Promise<typeof Extensions> => {
  const fromSource = new URL(import.meta.url).pathname.endsWith('.ts');
  const specifier = fromSource ? './extensions.js' : './extensions.mjs';
  return import(specifier);
};
