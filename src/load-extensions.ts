import type * as Extensions from './extensions.js';

/**
 * Loads `extensions.ts` on first use. In the Lambda package it is its own file beside the handler
 * (`extensions.mjs`, a second entry point of the same esbuild build): a dynamic import inside one bundle
 * would still make every cold start parse the EC2, SSM and IAM clients. The specifiers are computed, so the
 * bundler leaves them alone.
 */
export const loadExtensions = (): Promise<typeof Extensions> => {
  const here = new URL(import.meta.url);
  if (here.pathname.endsWith('.ts')) return import(['.', 'extensions.js'].join('/'));
  // The handler's own query goes along: a fresh load of the handler (a new cold start, as npm start and
  // the tests make them) gets fresh extensions too, with clients of its own.
  const bundle = new URL('./extensions.mjs', here);
  bundle.search = here.search;
  return import(bundle.href);
};
