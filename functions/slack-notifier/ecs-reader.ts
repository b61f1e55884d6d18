// Reads the services of a wave with ecs:DescribeServices: at most 10 services per call, one cluster
// per call (ECS's limits), a few calls at a time. Throttling is retried by the SDK's own backoff; what
// still fails, or takes longer than the time given, makes those services "unknown" with the reason.
// It never throws: a failure to read ECS never blocks the summary.
import { DescribeServicesCommand, type DescribeServicesCommandOutput, ECSClient } from '@aws-sdk/client-ecs';
import { lastSegment } from './cloudtrail';
import { missingState, shortReason, type TaskState, taskStateOf } from './task-state';
import { serviceKey } from './waves';

/** DescribeServices takes at most 10 services, all of one cluster. */
export const DESCRIBE_SERVICES_MAX = 10;
/** Calls in flight at once: 500 services are 50 calls, well within ECS's Describe* rate. */
const CONCURRENT_CALLS = 4;
/** Attempts per call (the SDK's standard retry mode backs off between them, longer after throttling). */
export const ECS_MAX_ATTEMPTS = 4;
/** The longest one pass over a wave's services may take; the summary goes ahead without what is missing. */
export const ECS_READ_BUDGET_MS = 12_000;

export interface ServiceQuery {
  cluster: string;
  service: string;
  /** Epoch ms of the scaling call: events before it are not about it. */
  since: number;
}

/** The only call the notifier makes to ECS; a client or a stand-in. */
export interface EcsDescribe {
  send(
    command: DescribeServicesCommand,
    options?: { abortSignal?: AbortSignal },
  ): Promise<DescribeServicesCommandOutput>;
}

/** A client for the function's region (AWS_ENDPOINT_URL_ECS points it elsewhere, e.g. a local ECS). */
export function defaultEcsClient(): EcsDescribe {
  return new ECSClient({
    maxAttempts: ECS_MAX_ATTEMPTS,
    requestHandler: { connectionTimeout: 2_000, requestTimeout: 5_000 },
  });
}

/** Each query's state, keyed `cluster/service`; every query gets one. */
export async function readTaskStates(
  ecs: EcsDescribe,
  queries: ServiceQuery[],
  budgetMs = ECS_READ_BUDGET_MS,
): Promise<Map<string, TaskState>> {
  const states = new Map<string, TaskState>();
  const byCluster = new Map<string, ServiceQuery[]>();
  for (const query of queries) {
    const list = byCluster.get(query.cluster) ?? [];
    if (!list.some((q) => q.service === query.service)) list.push(query);
    byCluster.set(query.cluster, list);
  }
  const calls: ServiceQuery[][] = [];
  for (const list of byCluster.values()) {
    for (let i = 0; i < list.length; i += DESCRIBE_SERVICES_MAX) calls.push(list.slice(i, i + DESCRIBE_SERVICES_MAX));
  }
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), budgetMs);
  try {
    let next = 0;
    const worker = async () => {
      while (next < calls.length) {
        const batch = calls[next++]!;
        for (const [key, state] of await describe(ecs, batch, abort.signal, budgetMs)) states.set(key, state);
      }
    };
    await Promise.all(Array.from({ length: Math.min(CONCURRENT_CALLS, calls.length) }, worker));
  } finally {
    clearTimeout(timer);
  }
  return states;
}

async function describe(
  ecs: EcsDescribe,
  batch: ServiceQuery[],
  signal: AbortSignal,
  budgetMs: number,
): Promise<Map<string, TaskState>> {
  const states = new Map<string, TaskState>();
  const cluster = batch[0]!.cluster;
  const unknown = (reason: string) => {
    for (const query of batch) states.set(serviceKey(query), { outcome: 'unknown', reason: shortReason(reason) });
    return states;
  };
  if (signal.aborted) return unknown(`ECS did not answer within ${budgetMs / 1000} s`);
  let output: DescribeServicesCommandOutput;
  try {
    output = await ecs.send(new DescribeServicesCommand({ cluster, services: batch.map((query) => query.service) }), {
      abortSignal: signal,
    });
  } catch (error) {
    if (signal.aborted) return unknown(`ECS did not answer within ${budgetMs / 1000} s`);
    if ((error as Error)?.name === 'ClusterNotFoundException') {
      const reason = shortReason(`the cluster ${cluster} does not exist (ClusterNotFoundException)`);
      for (const query of batch) states.set(serviceKey(query), { outcome: 'not-reached', reason });
      return states;
    }
    return unknown(readFailure(error));
  }
  const wanted = new Map(batch.map((query) => [query.service, query]));
  for (const service of output.services ?? []) {
    const query = wanted.get(service.serviceName ?? lastSegment(service.serviceArn ?? ''));
    if (query) states.set(serviceKey(query), taskStateOf(service, query.since));
  }
  for (const failure of output.failures ?? []) {
    const query = wanted.get(lastSegment(failure.arn ?? ''));
    if (query && !states.has(serviceKey(query))) {
      states.set(serviceKey(query), missingState(failure.reason, failure.detail));
    }
  }
  for (const query of batch) {
    if (!states.has(serviceKey(query))) {
      states.set(serviceKey(query), { outcome: 'unknown', reason: 'DescribeServices did not return it' });
    }
  }
  return states;
}

/** Why a DescribeServices call failed, as the summary says it. */
function readFailure(error: unknown): string {
  const name = error instanceof Error ? error.name : 'Error';
  const message = error instanceof Error ? error.message : String(error);
  const attempts = (error as { $metadata?: { attempts?: number } })?.$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` (${attempts} attempts)` : '';
  if (/Throttl|TooManyRequests|RequestLimitExceeded/i.test(name)) return `ECS throttled the read${tries}: ${message}`;
  if (/AccessDenied|UnauthorizedOperation|NotAuthorized/i.test(name)) return `not permitted to read ECS: ${message}`;
  return `ECS could not be read${tries}: ${name}: ${message}`;
}
