// The slack-notifier's wave model under test: a manifest built from an environment config as the
// stack builds it, a handler wired to a local waves table and a local Slack, and a fake clock.
import { Logger } from '@aws-lambda-powertools/logger';
import { waveManifest } from '../../constructs/slack-notifier/wave-manifest';
import { parseEnvironment, type EnvironmentInput } from '../../environments';
import { createHandler, type HandlerDeps } from '../../functions/slack-notifier/handler';
import { fixedWebhookUrl } from '../../functions/shared/webhook-url';
import type { WaveManifest } from '../../functions/slack-notifier/waves';
import type { Context, SQSBatchResponse } from 'aws-lambda';
import { startLocalWaveTable, type LocalWaveTable } from '../../scripts/local-wave-table';
import { steadyEcs } from './ecs';
import { testEnvironment } from './environment-builder';
import { lambdaContext } from './lambda';
import { startFakeSlack, type FakeSlack } from './slack-server';

export const CLUSTER = 'terraform-study-dev-cluster';
/** Monday 2026-11-23 09:00 KST: the scale-up wave `sqsEventFor` times are relative to. */
export const MONDAY_SCALE_UP = Date.UTC(2026, 10, 23, 0, 0);
export const SCALE_UP_WAVE = 'scale-up@2026-11-23T00:00:00.000Z';

export function serviceNames(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `svc-${String(i).padStart(3, '0')}`);
}

/**
 * The manifest a "dev" stack would package that scales up at 09:00 and down at 18:00 Asia/Seoul on
 * weekdays, with these services in CLUSTER.
 */
export function manifestFor(services: string[], change: (env: EnvironmentInput) => void = () => {}): WaveManifest {
  const env = testEnvironment({
    name: 'dev',
    scheduler: {
      timezone: 'Asia/Seoul',
      scaleUp: { time: '09:00', weekdays: 'MON-FRI' },
      scaleDown: { time: '18:00', weekdays: 'MON-FRI' },
      services: services.map((service) => ({ cluster: CLUSTER, service })),
    },
  });
  change(env);
  return waveManifest(parseEnvironment(env));
}

/** The context Lambda gives the dev notifier, with 10 s left. */
export const notifierContext = (): Context => lambdaContext('ecs-scheduler-slack-notifier-dev', 10_000);

/** The message IDs a batch response hands back to SQS. */
export const failedIds = (response: SQSBatchResponse): string[] =>
  response.batchItemFailures.map((failure) => failure.itemIdentifier);

/** A new waves table and local Slack for each test of the calling block, handed to `use`, closed after it. */
export function freshWaveServers(use: (table: LocalWaveTable, slack: FakeSlack) => void): void {
  let servers: [LocalWaveTable, FakeSlack] | undefined;
  beforeEach(async () => {
    servers = await Promise.all([startLocalWaveTable(), startFakeSlack()]);
    use(...servers);
  });
  afterEach(() => Promise.all(servers!.map((server) => server.close())));
}

export interface WaveRig {
  handler: ReturnType<typeof createHandler>;
  /** The fake clock the handler reads (epoch ms). */
  clock: { now: number };
}

/** A handler on the local table and Slack, silent, with short Slack backoffs, a fake clock and steady ECS services. */
export function waveHandler(
  table: LocalWaveTable,
  slackUrl: string,
  manifest: WaveManifest,
  deps: HandlerDeps = {},
): WaveRig {
  const clock = { now: MONDAY_SCALE_UP };
  const handler = createHandler({
    webhookUrl: fixedWebhookUrl(slackUrl),
    settings: { environment: 'dev', timeZone: 'Asia/Seoul', tableName: table.tableName },
    delivery: { baseBackoffMs: 20, maxBackoffMs: 50 },
    manifest,
    dynamodb: table.client,
    now: () => clock.now,
    logger: new Logger({ logLevel: 'SILENT' }),
    ecs: steadyEcs(),
    ...deps,
  });
  return { handler, clock };
}

/** A deterministic pseudo-random source (mulberry32), so a failing run can be replayed by its seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
