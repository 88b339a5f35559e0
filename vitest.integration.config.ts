import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/integration/**/*.test.ts'],
    setupFiles: ['test/support/setup-env.ts'],
    // Builds dist/function/ once; the bundle suites run it in child processes, as Lambda would.
    globalSetup: ['test/support/build-bundle.ts'],
    // The Lambda runtime is Node 24; the SDK's notice about Node 20 would only add noise to local runs.
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    restoreMocks: true,
    // The built Lambda bundle is loaded by Node itself, as in Lambda, not transformed again by Vite.
    server: { deps: { external: [/\/dist\/function\//] } },
  },
});
