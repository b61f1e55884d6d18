// Test environments that take over the legacy fixtures (fixtures/states, fixtures/legacy): their
// 20 services in the fixture account, the legacy name prefix, and, for the one that adopts the
// legacy cloudwatch root, that root's team and Aurora cluster. Built on testEnvironment(): nothing
// here comes from environments/dev.ts or stg.ts.
import type { EnvironmentInput } from '../../environments';
import { LEGACY_ACCOUNT, LEGACY_REGION } from '../fixtures/states/legacy-account';
import { LEGACY_CLOUDWATCH, LEGACY_SINGLETONS, legacyServices } from '../fixtures/states/legacy-inputs';
import { testEnvironment, type Overrides } from './environment-builder';

export type LegacyEnvironmentName = 'dev' | 'stg';

/** The environment `name` whose workspace holds the legacy ecs-scheduler state of that name. */
export function legacyEnvironment(
  name: LegacyEnvironmentName,
  overrides: Overrides<EnvironmentInput> = {},
): EnvironmentInput {
  const services = legacyServices(name).map((s) => (LEGACY_SINGLETONS.has(s.service) ? { ...s, singleton: true } : s));
  return testEnvironment({
    name,
    region: LEGACY_REGION,
    accountId: LEGACY_ACCOUNT,
    namePrefix: 'ecs-scheduler',
    ...overrides,
    scheduler: { services, ...overrides.scheduler },
  });
}

export type AdoptLegacy = NonNullable<EnvironmentInput['cloudwatch']['adoptLegacy']>;

/**
 * The cloudwatch settings of the environment that adopts the legacy cloudwatch root: the legacy
 * names from 03-database's team, its Aurora cluster, and the given adoption settings.
 */
export function adoptingCloudwatch(adoptLegacy: AdoptLegacy): Overrides<EnvironmentInput['cloudwatch']> {
  return {
    team: LEGACY_CLOUDWATCH.ourTeam,
    legacyNames: true,
    aurora: { clusterIdentifier: LEGACY_CLOUDWATCH.auroraClusterId },
    adoptLegacy,
  };
}
