/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: '<rootDir>/__tests__/support/environment.js',
  roots: ['<rootDir>/__tests__'],
  testMatch: ['**/*.test.ts'],
  // Transpile only, with esbuild (__tests__/support/esbuild-transform.js); `npm run typecheck`
  // checks the types once for the whole project.
  transform: { '^.+\\.ts$': '<rootDir>/__tests__/support/esbuild-transform.js' },
  setupFilesAfterEnv: ['<rootDir>/__tests__/support/setup.ts'],
  // A temporary folder per run, removed whole at the end; one offline `terraform init` per run for
  // the real-Terraform checks (or one line saying why they skip).
  globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
  globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts',
  // Sized for a loaded 2-core machine: the slowest tests start a Node process that synthesizes both
  // stacks (about 3 s of CPU), which takes 5-10 times that when other jobs share the cores. A hung
  // test still fails, only later; elapsed-time assertions in tests keep seconds of margin.
  testTimeout: 60_000,
  // Jest's default leaves one core idle (cores - 1): on a 2-core machine that is one worker for
  // every file. The tests wait on local servers as much as they compute, so use every core.
  maxWorkers: '100%',
};
