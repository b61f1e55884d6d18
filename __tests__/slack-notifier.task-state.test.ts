// Did the services start? The real notifier handler reads recorded-shape DescribeServices answers
// (fixtures/ecs, served in ECS's own wire protocol by scripts/local-ecs.ts to the real SDK client)
// and posts, per service, whether it reached its desired count, is still starting, did not (ECS's
// reason), or could not be read. Environment: testEnvironment() ("qa": api and worker in apps-qa,
// the singleton batch-job in batch-qa; scale-up 08:30, scale-down 19:15 Asia/Seoul).
import { Logger } from '@aws-lambda-powertools/logger';
import { waveManifest } from '../constructs/slack-notifier/wave-manifest';
import { parseEnvironment } from '../environments';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { createHandler, type HandlerDeps } from '../functions/slack-notifier/handler';
import { startLocalEcs, type LocalEcs, type WireAnswer, type WireService } from '../scripts/local-ecs';
import { startLocalWaveTable, type LocalWaveTable } from '../scripts/local-wave-table';
import { sqsEventFor } from './support/cloudtrail-events';
import { ecsAnswer } from './support/ecs';
import { numberedServices, testEnvironment } from './support/environment-builder';
import { lambdaContext } from './support/lambda';
import { type FakeSlack, inChannel, readableText, startFakeSlack } from './support/slack-server';

/** Monday 2026-11-23 08:30 KST (the scale-up wave), and 19:15 KST (the scale-down wave). */
const SCALE_UP = Date.UTC(2026, 10, 22, 23, 30);
const SCALE_DOWN = Date.UTC(2026, 10, 23, 10, 15);
/** sqsEventFor counts seconds from 2026-11-23T00:00:00Z. */
const secondOf = (at: number) => (at - Date.UTC(2026, 10, 23)) / 1000;
const context = () => lambdaContext('ecs-scheduler-slack-notifier-qa', 10_000);
const close = (action: 'scale-up' | 'scale-down', at: number) => ({
  closeWave: { action, scheduledTime: new Date(at).toISOString() },
});
const check = (action: 'scale-up' | 'scale-down', at: number) => ({
  checkWave: { action, scheduledTime: new Date(at).toISOString() },
});

const SERVICES = [
  { cluster: 'apps-qa', service: 'api' },
  { cluster: 'apps-qa', service: 'worker' },
  { cluster: 'batch-qa', service: 'batch-job' },
];

/** One call per service of the test environment, a minute after the wave, each asking `count` tasks. */
function calls(wave: number, count: number) {
  return sqsEventFor(
    SERVICES.map(({ cluster, service }, i) => ({
      service,
      cluster,
      desiredCount: count,
      atSecond: secondOf(wave) + 60 + i,
      eventId: `evt-${service}-${wave}`,
      messageId: `msg-${service}`,
    })),
  );
}

/** The recorded steady answer, with only these services, at `count` tasks (0: stopped). */
function steady(names: string[], count = 1): WireAnswer {
  const services = ecsAnswer('steady').services.filter((s) => names.includes(s.serviceName));
  return {
    services: services.map((s): WireService => {
      const copy = structuredClone(s);
      Object.assign(copy, { desiredCount: count, runningCount: count, pendingCount: 0 });
      for (const deployment of copy.deployments as Record<string, unknown>[]) {
        Object.assign(deployment, { desiredCount: count, runningCount: count });
      }
      return copy;
    }),
  };
}

let table: LocalWaveTable;
let slack: FakeSlack;
let ecs: LocalEcs;
beforeEach(async () => {
  [table, slack, ecs] = await Promise.all([startLocalWaveTable(), startFakeSlack(), startLocalEcs()]);
});
afterEach(() => Promise.all([table.close(), slack.close(), ecs.close()]));

/** The qa notifier on the local table, Slack and ECS, with a fake clock; it polls ECS every 20 ms for up to 1 s. */
function rig(deps: HandlerDeps = {}) {
  const clock = { now: SCALE_UP };
  const handler = createHandler({
    webhookUrl: fixedWebhookUrl(slack.url),
    settings: { environment: 'qa', timeZone: 'Asia/Seoul', tableName: table.tableName },
    delivery: { baseBackoffMs: 5, maxBackoffMs: 10 },
    manifest: waveManifest(parseEnvironment(testEnvironment())),
    dynamodb: table.client,
    ecs: ecs.client(2),
    settle: { waitMs: 1_000, pollMs: 20, reserveMs: 0 },
    now: () => clock.now,
    logger: new Logger({ logLevel: 'SILENT' }),
    ...deps,
  });
  return { handler, clock };
}

const posted = () => inChannel(slack.posts).map(readableText);
/** The table row of a service in a posted message. */
const row = (text: string, service: string) => text.split('\n').find((line) => line.startsWith(`${service} `));

describe('the wave summary reports what ECS says of each service', () => {
  it('all running: every row says so, and the summary is posted as soon as the calls are all seen', async () => {
    ecs.serve(ecsAnswer('steady'));
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    expect(await handler(calls(SCALE_UP, 1), context())).toEqual({ batchItemFailures: [] });
    const [summary, ...more] = posted();
    expect(more).toEqual([]);
    expect(row(summary!, 'api')).toBe('api       │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(row(summary!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(row(summary!, 'batch-job')).toBe('batch-job │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(summary).toContain('*Tasks:* 3 reached their count');
    expect(summary).toMatch(/^✅ ECS Scheduled Scaling Summary: qa/);
  });

  it('one pending then steady: the summary waits for it and shows it running, once', async () => {
    ecs.serve(steady(['api', 'batch-job']), ecsAnswer('worker-pending'), ecsAnswer('steady'));
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    const [summary, ...more] = posted();
    expect(more).toEqual([]);
    expect(row(summary!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ✅ 1/1 running');
    // Read pending first, then again alone.
    const workerReads = ecs.requests.filter((r) => r.services.includes('worker'));
    expect(workerReads.length).toBeGreaterThanOrEqual(2);
    expect(workerReads.at(-1)!.services).toEqual(['worker']);
    // The deadline finds the wave posted, and the settle check has nothing to check.
    clock.now = SCALE_UP + 20 * 60_000;
    expect(await handler(close('scale-up', clock.now), context())).toMatchObject({ posted: false });
    clock.now = SCALE_UP + 35 * 60_000;
    expect(await handler(check('scale-up', clock.now), context())).toEqual({
      wave: 'scale-up@2026-11-22T23:30:00.000Z',
      checked: true,
      notReached: 0,
    });
    expect(posted()).toHaveLength(1);
  });

  it("one unable to place tasks: ECS's reason is in the summary, posted at once (it has settled)", async () => {
    ecs.serve(steady(['api', 'batch-job']), ecsAnswer('worker-unable-to-place'));
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 4 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    const [summary, ...more] = posted();
    expect(more).toEqual([]);
    expect(row(summary!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ❌ 0/1 running');
    // The newest failure event since the call (not the day-old capacity one), without "(service worker)".
    expect(summary!.split('\n')).toContain(
      '• `worker` (apps-qa): 0/1 running: was unable to place a task because no container instance met all of its requirements. The closest matching (container-instance 5a0c6a5e3f1e4b0e9d8c7b6a5f4e3d2c) has insufficient memory available. For…',
    );
    expect(summary).toContain('*❌ Desired count not reached*');
    expect(summary).toContain('*Tasks:* 2 reached their count, 1 not reached');
    expect(summary).toMatch(/^⚠️ ECS Scheduled Scaling Summary: qa/);
    expect(summary).toContain('Not reached: worker');
  });

  it('scale-down with a task left: the deadline shows it still stopping, the settle check names the task left, once', async () => {
    ecs.serve(ecsAnswer('api-task-left'), steady(['worker', 'batch-job'], 0));
    const { handler, clock } = rig();
    clock.now = SCALE_DOWN + 3 * 60_000;
    // The calls are all seen, but api is still stopping: nothing posted, the records are done with.
    expect(await handler(calls(SCALE_DOWN, 0), context())).toEqual({ batchItemFailures: [] });
    expect(posted()).toEqual([]);
    clock.now = SCALE_DOWN + 20 * 60_000;
    expect(await handler(close('scale-down', clock.now), context())).toMatchObject({ posted: true, missing: 0 });
    const [summary] = posted();
    expect(row(summary!, 'api')).toBe('api       │ Scale Down (→0)  │ ⏳ 1/0 running, stopping');
    expect(row(summary!, 'worker')).toBe('worker    │ Scale Down (→0)  │ ✅ stopped (0 running)');
    expect(summary!.split('\n')).toContain('• `api` (apps-qa): 1 task left running (desired 0)');
    expect(summary).toContain(
      '*⏳ Still starting or stopping*: checked again at 19:50 KST; a follow-up names any that do not reach their count',
    );
    clock.now = SCALE_DOWN + 35 * 60_000;
    expect(await handler(check('scale-down', clock.now), context())).toMatchObject({ checked: true, notReached: 1 });
    const [, followUp, ...more] = posted();
    expect(more).toEqual([]);
    expect(followUp).toMatch(/^❌ ECS Scaling, not reached after the summary: qa/);
    expect(row(followUp!, 'api')).toBe('api     │ Scale Down (→0)  │ ❌ 1/0 running');
    expect(followUp!.split('\n')).toContain(
      '• `api` (apps-qa): 1 task left running (desired 0): still stopping; newest ECS event: has begun draining connections on 1 tasks.',
    );
    expect(followUp).not.toContain('worker');
    // A repeated check (Scheduler's retry) posts nothing more.
    expect(await handler(check('scale-down', clock.now), context())).toMatchObject({ checked: true, notReached: 0 });
    expect(posted()).toHaveLength(2);
  });

  it('ECS throttled: the summary goes ahead at once, every service "state unknown" and why', async () => {
    ecs.serve(ecsAnswer('steady'));
    ecs.fail({ status: 400, type: 'ThrottlingException', message: 'Rate exceeded' });
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    expect(await handler(calls(SCALE_UP, 1), context())).toEqual({ batchItemFailures: [] });
    const [summary, ...more] = posted();
    expect(more).toEqual([]);
    expect(row(summary!, 'api')).toBe('api       │ Scale Up (→1)    │ ❓ state unknown');
    expect(summary!.split('\n')).toContain(
      '• ECS throttled the read (2 attempts): Rate exceeded: `api`, `batch-job`, `worker`',
    );
    expect(summary).toContain('*❓ Task state unknown* (ECS could not be read; the summary did not wait for it)');
    // The SDK's own retry: each call made twice (the client allows 2 attempts), one call per cluster.
    expect(ecs.requests).toHaveLength(4);
  });

  it('ECS access denied: "state unknown", with ECS\'s refusal, and the summary still posted', async () => {
    ecs.fail({
      status: 400,
      type: 'AccessDeniedException',
      message:
        'User: arn:aws:sts::210987654321:assumed-role/ecs-scheduler-slack-notifier-role-qa/ecs-scheduler-slack-notifier-qa is not authorized to perform: ecs:DescribeServices on resource: arn:aws:ecs:ap-northeast-2:210987654321:service/apps-qa/api because no identity-based policy allows the ecs:DescribeServices action',
    });
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    const [summary] = posted();
    expect(row(summary!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ❓ state unknown');
    expect(summary!.split('\n')).toContain(
      '• not permitted to read ECS: User: arn:aws:sts::210987654321:assumed-role/ecs-scheduler-slack-notifier-role-qa/ecs-scheduler-slack-notifier-qa is not authorized to perform: ecs:DescribeServices on reso…: `api`, `batch-job`, `worker`',
    );
    // Not retried: a refusal does not heal.
    expect(ecs.requests).toHaveLength(2);
  });

  it('a singleton at 2 tasks: flagged at once, without waiting for it to settle', async () => {
    ecs.serve(steady(['api', 'worker']), ecsAnswer('batch-job-two-tasks'));
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    const [summary, ...more] = posted();
    expect(more).toEqual([]);
    expect(row(summary!, 'batch-job')).toBe('batch-job │ Scale Up (→1)    │ 🚨 2/1 running, singleton');
    expect(summary!.split('\n')).toContain(
      '• `batch-job` (batch-qa): 2 tasks running; it must never run more than one',
    );
    expect(summary).toContain('*🚨 Singleton running more than one task*');
    expect(summary).toContain('Singleton over one task: batch-job');
    // Not flagged for a service that is no singleton.
    expect(row(summary!, 'api')).toBe('api       │ Scale Up (→1)    │ ✅ 1/1 running');
  });
});

describe('one summary per wave, and at most one follow-up', () => {
  it('a service that settles after the summary causes no second message', async () => {
    ecs.serve(steady(['api', 'batch-job']), ecsAnswer('worker-pending'));
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    expect(posted()).toEqual([]);
    clock.now = SCALE_UP + 20 * 60_000;
    await handler(close('scale-up', clock.now), context());
    expect(row(posted()[0]!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ⏳ 0/1 running, 1 pending');
    ecs.serve(ecsAnswer('steady'));
    clock.now = SCALE_UP + 35 * 60_000;
    expect(await handler(check('scale-up', clock.now), context())).toMatchObject({ checked: true, notReached: 0 });
    expect(posted()).toHaveLength(1);
    // Only the service the summary showed starting was read again.
    expect(ecs.requests.at(-1)).toEqual({ cluster: 'apps-qa', services: ['worker'] });
  });

  it('a retry of a summary Slack may hold shows what the first attempt showed, noted, without reading ECS again', async () => {
    ecs.serve(ecsAnswer('steady'));
    slack.answer({ status: 200, drop: true }, { status: 503, body: 'unavailable' });
    const { handler, clock } = rig({ delivery: { baseBackoffMs: 5, maxBackoffMs: 10, maxAttempts: 2 } });
    clock.now = SCALE_UP + 3 * 60_000;
    const first = await handler(calls(SCALE_UP, 1), context());
    expect(first.batchItemFailures).toHaveLength(3);
    const reads = ecs.requests.length;
    ecs.serve(steady(['api', 'batch-job']), ecsAnswer('worker-unable-to-place'));
    slack.answer({ status: 200, body: 'ok' });
    clock.now = SCALE_UP + 14 * 60_000;
    expect(await handler(calls(SCALE_UP, 1), context())).toEqual({ batchItemFailures: [] });
    const copies = inChannel(slack.posts).map(readableText);
    expect(copies).toHaveLength(2);
    expect(row(copies[1]!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(copies[1]).toContain('May repeat');
    expect(ecs.requests).toHaveLength(reads);
  });
});

describe('the settle check when Slack refuses', () => {
  it('fails the invocation (to be retried), and its retry posts the one follow-up', async () => {
    ecs.serve(steady(['api', 'batch-job']), ecsAnswer('worker-pending'));
    const { handler, clock } = rig({ delivery: { baseBackoffMs: 5, maxBackoffMs: 10, maxAttempts: 1 } });
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    clock.now = SCALE_UP + 20 * 60_000;
    await handler(close('scale-up', clock.now), context());
    clock.now = SCALE_UP + 35 * 60_000;
    slack.answer({ status: 500, body: 'internal_error' });
    await expect(handler(check('scale-up', clock.now), context())).rejects.toThrow(
      /settle check follow-up not delivered/,
    );
    slack.answer({ status: 200, body: 'ok' });
    clock.now += 60_000; // Lambda's first retry
    expect(await handler(check('scale-up', clock.now), context())).toMatchObject({ checked: true, notReached: 1 });
    const [, followUp, ...more] = posted();
    expect(more).toEqual([]);
    expect(row(followUp!, 'worker')).toBe('worker  │ Scale Up (→1)    │ ❌ 0/1 running');
    expect(followUp!.split('\n')).toContain(
      '• `worker` (apps-qa): 0/1 running, 1 pending: still starting; newest ECS event: has started 1 tasks: (task 0f1e2d3c4b5a69788798a5b4c3d2e1f0).',
    );
  });
});

describe('reading ECS', () => {
  it('asks at most 10 services per DescribeServices call, one cluster per call', async () => {
    const many = [...numberedServices(25, 'apps-qa'), ...numberedServices(3, 'batch-qa', 'job')];
    const env = testEnvironment({ scheduler: { services: many } });
    const template = ecsAnswer('steady').services[0]!;
    ecs.serve({
      services: many.map(({ cluster, service }) => ({
        ...structuredClone(template),
        serviceName: service,
        serviceArn: `arn:aws:ecs:ap-northeast-2:210987654321:service/${cluster}/${service}`,
        clusterArn: `arn:aws:ecs:ap-northeast-2:210987654321:cluster/${cluster}`,
      })),
    });
    const { handler, clock } = rig({ manifest: waveManifest(parseEnvironment(env)) });
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(
      sqsEventFor(many.map(({ cluster, service }, i) => ({ service, cluster, atSecond: secondOf(SCALE_UP) + 60 + i }))),
      context(),
    );
    expect(posted()).toHaveLength(1);
    expect(posted()[0]).toContain('*Tasks:* 28 reached their count');
    const sizes = ecs.requests.map((r) => `${r.cluster}:${r.services.length}`).sort();
    expect(sizes).toEqual(['apps-qa:10', 'apps-qa:10', 'apps-qa:5', 'batch-qa:3']);
    expect(new Set(ecs.requests.flatMap((r) => r.services)).size).toBe(28);
  });

  it('a service ECS does not know is "not reached" with ECS\'s MISSING, not unknown', async () => {
    ecs.serve(steady(['api', 'batch-job']));
    const { handler, clock } = rig();
    clock.now = SCALE_UP + 3 * 60_000;
    await handler(calls(SCALE_UP, 1), context());
    const [summary] = posted();
    expect(row(summary!, 'worker')).toBe('worker    │ Scale Up (→1)    │ ❌ not reached');
    expect(summary!.split('\n')).toContain('• `worker` (apps-qa): the service does not exist in its cluster (MISSING)');
  });
});
