import { configDefaults, defineConfig } from 'vitest/config';
// The root config reaches into the test support package for the one key it gives every test service.
// eslint-disable-next-line import-x/no-relative-packages
import { TEST_ADMIN_KEY } from './test/support/test-keys.ts';

/**
 * The suites that start a whole deployment of child processes under load (the chaos suite, the
 * router failover): they run alone, after everything else. Beside other files on this two-core
 * machine they starved them, and were starved: a 50-lead burst once took over 20 s in CI.
 */
const deploymentSuites = ['test/chaos/**/*.test.ts', 'test/e2e/router-failover.test.ts'];

const shared = {
  testTimeout: 60_000,
  hookTimeout: 120_000,
  // Every service a test starts, in process or as a child, takes the test admin key (the
  // first-start test unsets it); test requests send it unless told otherwise.
  env: { SWITCHBOARD_ADMIN_KEY: TEST_ADMIN_KEY },
};

export default defineConfig({
  test: {
    globalSetup: ['test/support/global-setup.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          ...shared,
          name: 'suites',
          include: ['packages/*/test/**/*.test.ts', 'services/*/test/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...deploymentSuites],
          // Test files share one PostgreSQL and one NATS server; each uses its own schema and
          // namespace, but the machine has two cores: keep parallelism modest.
          maxWorkers: 2,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          ...shared,
          name: 'deployments',
          include: deploymentSuites,
          exclude: [...configDefaults.exclude],
          fileParallelism: false,
          maxWorkers: 1,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
