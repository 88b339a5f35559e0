import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Code } from 'aws-cdk-lib/aws-lambda';

/**
 * The function package `npm run build` writes (what `sam build` makes: handler.mjs, extensions.mjs). Both
 * this source file (src/cdk/) and its build (dist/cdk/) sit two levels below the package root.
 */
export const FUNCTION_DIR = fileURLToPath(new URL('../../dist/function/', import.meta.url));

/** The built function as a Lambda code asset; fails with what to do when the package holds no build. */
export const ruleFunctionCode = (): Code => {
  if (!existsSync(`${FUNCTION_DIR}handler.mjs`)) {
    throw new Error(
      `The rule function is not built: ${FUNCTION_DIR}handler.mjs is missing (run npm run build)`,
    );
  }
  return Code.fromAsset(FUNCTION_DIR);
};
