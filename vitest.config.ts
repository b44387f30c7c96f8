import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const packages = ['tensor', 'autograd', 'nn', 'optim', 'data', 'backend-cuda'];
// Tests import sibling packages from source so that a test run never depends on a stale build.
const alias = packages.flatMap((name) => [
  {
    find: new RegExp(`^@proj/${name}/testing$`),
    replacement: fileURLToPath(new URL(`./packages/${name}/src/testing/index.ts`, import.meta.url)),
  },
  {
    find: new RegExp(`^@proj/${name}$`),
    replacement: fileURLToPath(new URL(`./packages/${name}/src/index.ts`, import.meta.url)),
  },
]);
// The apps' shared helpers, from source too.
alias.push({
  find: /^@proj\/app-common$/,
  replacement: fileURLToPath(new URL('./apps/common/src/index.ts', import.meta.url)),
});

export default defineConfig({
  resolve: { alias },
  test: {
    // .ci/run asks for a JSON report to count passed and failed tests.
    reporters: process.env.VITEST_JSON_REPORT ? ['default', 'json'] : ['default'],
    outputFile: process.env.VITEST_JSON_REPORT ? { json: process.env.VITEST_JSON_REPORT } : undefined,
    projects: [
      ...packages.map((name) => ({
        resolve: { alias },
        test: { name, include: [`packages/${name}/src/**/*.test.ts`], testTimeout: 60_000 },
      })),
      {
        resolve: { alias },
        test: {
          name: 'apps',
          include: ['apps/*/src/**/*.test.ts', 'apps/*/test/**/*.test.ts'],
          testTimeout: 300_000,
        },
      },
    ],
  },
});
