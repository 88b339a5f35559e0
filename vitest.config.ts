import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/template/**/*.test.ts'],
    setupFiles: ['test/support/setup-env.ts'],
    restoreMocks: true,
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      exclude: ['src/cli/**'],
      thresholds: { statements: 95, branches: 90, functions: 95, lines: 95 },
    },
  },
});
