// ECS for the slack-notifier tests: recorded-shape DescribeServices answers (fixtures/ecs, ECS's wire
// shape, served by scripts/local-ecs.ts to the real SDK client), and an in-process stand-in for the
// tests about something else, in which every service runs the tasks it asked for.
import type { DescribeServicesCommand, DescribeServicesCommandOutput } from '@aws-sdk/client-ecs';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { EcsDescribe } from '../../functions/slack-notifier/ecs-reader';
import type { WireAnswer } from '../../scripts/local-ecs';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'ecs');

/** `describe-services-<name>.json`: a DescribeServices answer as ECS sends it. */
export function ecsAnswer(name: string): WireAnswer {
  return JSON.parse(readFileSync(path.join(FIXTURES, `describe-services-${name}.json`), 'utf8')) as WireAnswer;
}

/**
 * Answers every service as ACTIVE with `count` tasks desired and running (steady), and counts the
 * calls; for tests whose subject is not the task state.
 */
export function steadyEcs(count = 1): EcsDescribe & { calls: () => number } {
  let calls = 0;
  return {
    calls: () => calls,
    send: (command: DescribeServicesCommand): Promise<DescribeServicesCommandOutput> => {
      calls += 1;
      return Promise.resolve({
        $metadata: {},
        services: (command.input.services ?? []).map((serviceName) => ({
          serviceName,
          status: 'ACTIVE',
          desiredCount: count,
          runningCount: count,
          pendingCount: 0,
        })),
        failures: [],
      });
    },
  };
}
