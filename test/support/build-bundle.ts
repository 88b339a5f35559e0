import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const PROJECT_DIR = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Vitest global setup of the integration suite: builds dist/function/ once, as `sam build` would, so the
 * suites that drive the built bundle never test a stale one.
 */
export const setup = (): void => {
  try {
    execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: PROJECT_DIR, stdio: 'pipe' });
  } catch (error) {
    const { stderr } = error as { stderr?: Buffer };
    throw new Error(`npm run build failed:\n${stderr?.toString('utf8') ?? String(error)}`);
  }
};
