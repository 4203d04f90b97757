/**
 * Two projects: `unit` (pure core and local-stack logic, no bundles) and `integration` (the real stack over
 * HTTP, which needs the action bundles that global-setup builds). `npx jest --selectProjects unit` therefore
 * never pays the webpack build; `npm test` runs both, in band (the integration tests start stacks on ports and
 * share CPUs, so they run one file at a time).
 * @type {import('jest').Config}
 */
const shared = {
  preset: 'ts-jest',
  testEnvironment: 'node',
  testMatch: ['**/*.test.ts'],
}

module.exports = {
  testTimeout: 60000,
  projects: [
    { ...shared, displayName: 'unit', roots: ['<rootDir>/test/unit'] },
    {
      ...shared,
      displayName: 'integration',
      roots: ['<rootDir>/test/integration'],
      // Jest runs a project's global setup only when at least one of its tests is selected.
      globalSetup: '<rootDir>/test/global-setup.ts',
      globalTeardown: '<rootDir>/test/global-teardown.ts',
    },
  ],
}
