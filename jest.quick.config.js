// `npm run test:quick`, the edit loop: the jest tests that run in-process, property tests at their
// local count. Left out: the real-Terraform checks (no terraform process) and the suites that start
// the project's commands, moto_server or a child jest as processes (end to end). `npm test` (and CI) runs them all.
process.env.REAL_TERRAFORM = 'off';
process.env.PROPERTY_RUNS = 'local';
process.env.TEST_TIER = 'quick'; // support/tiers.ts: the process-starting parts of mixed files

const base = require('./jest.config.js');

/** Suites that start the project's commands (npm run ..., npx cdktf, a child jest) or moto_server as processes. */
const PROCESS_SUITES = [
  'app-bundle',
  'exit-code',
  'invoke',
  'invoke-ecs',
  'migrate-check',
  'preflight',
  'provider-server',
  'slack-notifier\\.moto-ecs',
  'slack-receiver',
  'state-pull',
  'synth-launcher',
  'terraform',
];

module.exports = {
  ...base,
  testPathIgnorePatterns: [
    '/node_modules/',
    ...PROCESS_SUITES.map((name) => `/__tests__/(live/)?${name}\\.test\\.ts$`),
  ],
};
