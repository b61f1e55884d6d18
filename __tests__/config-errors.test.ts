// A config mistake is reported once per environment, against the file that holds it:
// environments/common.ts for what the shared module builds, environments/<env>.ts for what the
// environment writes itself; and every wrong environment is reported, not only the first.
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import {
  ConfigError,
  loadEnvironments,
  parseEnvironment,
  type EnvironmentInput,
  type ServiceInput,
} from '../environments';
import { fromCommon } from '../environments/shared-origin';
import { testEnvironment, testServices } from './support/environment-builder';
import { projectCopy } from './support/project-copy';
import { describeProcess } from './support/tiers';

function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

/** A service list as environments/common.ts builds one: the list and each entry marked as shared. */
function sharedCatalog(environment: string): ServiceInput[] {
  return fromCommon(testServices(environment).map((service) => fromCommon(service)));
}

/** Environment `name` whose services come from the shared catalog (set after building: a copy loses the mark). */
function withSharedCatalog(name = 'qa', change: (services: ServiceInput[]) => void = () => {}): EnvironmentInput {
  const input = testEnvironment({ name });
  input.scheduler.services = sharedCatalog(name);
  change(input.scheduler.services);
  return input;
}

const BATCH_JOB = 2; // testServices: api, worker, batch-job (the singleton)
const singletonProblem = (index = BATCH_JOB) =>
  `scheduler.services[${index}] (service "batch-job").upCount: a singleton service never runs more than one task, but upCount is 2`;

describe('which file a config error names', () => {
  it('environments/common.ts for a mistake in the shared service catalog', () => {
    const input = withSharedCatalog('qa', (services) => Object.assign(services[BATCH_JOB]!, { upCount: 2 }));
    const error = errorOf(() => parseEnvironment(input));
    expect(error.files).toEqual(['environments/common.ts']);
    expect(error.message).toMatch(/^Invalid configuration for environment "qa" \(environments\/common\.ts\):\n/);
  });

  it('environments/<env>.ts for a service entry the environment wrote itself', () => {
    const input = withSharedCatalog(
      'qa',
      (services) => (services[BATCH_JOB] = { ...services[BATCH_JOB]!, upCount: 2 }),
    );
    const error = errorOf(() => parseEnvironment(input));
    expect(error.files).toEqual(['environments/qa.ts']);
  });

  it('both, each problem with its file, when both hold one', () => {
    const input = withSharedCatalog('qa', (services) => Object.assign(services[BATCH_JOB]!, { upCount: 2 }));
    input.scheduler.scaleUp = { time: '07:00', weekdays: 'MON-FRI' };
    input.scheduler.scaleDown = { time: '07:00', weekdays: 'MON-FRI' }; // the same time: a rule of qa.ts's own
    const error = errorOf(() => parseEnvironment(input));
    expect(error.files).toEqual(['environments/qa.ts', 'environments/common.ts']);
    expect(error.message).toContain('  - environments/qa.ts: scheduler.scaleDown.time');
    expect(error.message).toContain(`  - environments/common.ts: ${singletonProblem()}`);
  });
});

describe('loadEnvironments with several wrong environments', () => {
  const duplicateWorker = (services: ServiceInput[]) => services.push(fromCommon({ ...services[1]! }));

  it("reports each environment's mistakes once, in order, under its own heading, then the help line once", () => {
    const error = errorOf(() =>
      loadEnvironments([withSharedCatalog('qa', duplicateWorker), withSharedCatalog('uat', duplicateWorker)]),
    );
    const problem = (env: string) =>
      `  - scheduler.services[3] (service "worker").service: apps-${env}/worker is already scheduled by services[1]; two schedule pairs would race on one ECS service. List each service once`;
    expect(error.message).toBe(
      [
        'Invalid configuration for environment "qa" (environments/common.ts):',
        problem('qa'),
        'Invalid configuration for environment "uat" (environments/common.ts):',
        problem('uat'),
        'See help/configuration.md for every field, its default and its limits.',
      ].join('\n'),
    );
    expect(error.reports).toHaveLength(2);
    expect(error.files).toEqual(['environments/common.ts']);
    expect(error.problems).toHaveLength(2);
  });

  it('a valid environment beside a wrong one: only the wrong one, in the single-environment form', () => {
    const wrong = testEnvironment({ name: 'uat', scheduler: { flexibleWindowMinutes: 90 } });
    const error = errorOf(() => loadEnvironments([testEnvironment({ name: 'qa' }), wrong]));
    expect(error.environment).toBe('uat');
    expect(error.reports).toHaveLength(1);
    expect(error.message).toMatch(/^Invalid configuration for environment "uat" \(environments\/uat\.ts\):\n/);
    expect(error.message).not.toContain('"qa"');
  });
});

describeProcess('npm run synth with a mistake in environments/common.ts', () => {
  /** A project copy whose dev.ts and stg.ts take their services from a common.ts the test wrote. */
  function copyWithSharedCatalog(catalog: string): string {
    const dev = testEnvironment({ name: 'dev' });
    const stg = testEnvironment({ name: 'stg' });
    const copy = projectCopy({ dev, stg });
    writeFileSync(path.join(copy, 'environments', 'common.ts'), catalog);
    for (const input of [dev, stg]) {
      writeFileSync(
        path.join(copy, 'environments', `${input.name}.ts`),
        [
          "import { serviceCatalog } from './common';",
          "import type { EnvironmentInput } from './schema';",
          '',
          `const input: EnvironmentInput = ${JSON.stringify(input, null, 2)};`,
          '',
          `export const ${input.name}: EnvironmentInput = {`,
          '  ...input,',
          `  scheduler: { ...input.scheduler, services: serviceCatalog('${input.name}') },`,
          '};',
          '',
        ].join('\n'),
      );
    }
    return copy;
  }

  it("stops before cdktf, printing each environment's error once and naming common.ts", async () => {
    // testServices' catalog with "worker" listed twice, as an edit of common.ts would.
    const copy = copyWithSharedCatalog(
      [
        "import type { ServiceInput } from './schema';",
        "import { fromCommon } from './shared-origin';",
        '',
        'export function serviceCatalog(environment: string): ServiceInput[] {',
        '  const services: ServiceInput[] = [',
        "    { cluster: `apps-${environment}`, service: 'api' },",
        "    { cluster: `apps-${environment}`, service: 'worker' },",
        "    { cluster: `batch-${environment}`, service: 'batch-job', singleton: true },",
        "    { cluster: `apps-${environment}`, service: 'worker' },",
        '  ];',
        '  return fromCommon(services.map((service) => fromCommon(service)));',
        '}',
        '',
      ].join('\n'),
    );
    try {
      const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
      const result = await promisify(execFile)(npm, ['run', '--silent', 'synth'], { cwd: copy }).then(
        () => ({ code: 0, stdout: '', stderr: '' }),
        (error: { code: number; stdout: string; stderr: string }) => error,
      );
      const problem = (env: string) =>
        `scheduler.services[3] (service "worker").service: apps-${env}/worker is already scheduled by services[1]; two schedule pairs would race on one ECS service. List each service once`;
      expect(result.code).toBe(1);
      expect(result.stderr.split('\n').slice(0, 5)).toEqual([
        'Invalid configuration for environment "dev" (environments/common.ts):',
        `  - ${problem('dev')}`,
        'Invalid configuration for environment "stg" (environments/common.ts):',
        `  - ${problem('stg')}`,
        'See help/configuration.md for every field, its default and its limits.',
      ]);
      for (const env of ['dev', 'stg']) expect(result.stderr.split(problem(env))).toHaveLength(2); // once each
      expect(result.stdout).toBe('');
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  }, 60_000);
});
