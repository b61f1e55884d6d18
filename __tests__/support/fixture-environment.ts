// The environment the slack-notifier fixtures were written for (__tests__/fixtures/README.md), built by
// the test: their 20 services, scale-up 09:00 and scale-down 18:00 Asia/Seoul on weekdays. Tests that
// feed those fixtures to the function use it, never the shipped dev environment.
import type { EnvironmentInput, ServiceInput } from '../../environments';
import { LEGACY_SINGLETONS, legacyServices } from '../fixtures/states/legacy-inputs';
import { testEnvironment } from './environment-builder';

export const FIXTURE_CLUSTER = 'terraform-study-dev-cluster';

/**
 * The services of `slack-notifier/scale-up-all-succeeded.json`, in its order: the legacy dev catalog
 * (fixtures/states/legacy-inputs.ts), its FileFlow schedulers singletons.
 */
export const FIXTURE_SERVICES: readonly ServiceInput[] = legacyServices('dev').map((s) => ({
  ...s,
  ...(LEGACY_SINGLETONS.has(s.service) ? { singleton: true } : {}),
}));

/** Environment "dev" scheduling the fixtures' services at the fixtures' times (a fresh object each call). */
export function fixtureEnvironment(): EnvironmentInput {
  return testEnvironment({
    name: 'dev',
    scheduler: {
      timezone: 'Asia/Seoul',
      scaleUp: { time: '09:00', weekdays: 'MON-FRI' },
      scaleDown: { time: '18:00', weekdays: 'MON-FRI' },
      services: structuredClone([...FIXTURE_SERVICES]),
    },
  });
}
