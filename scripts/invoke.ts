// Runs a function's real handler on event files, in order, and prints the results as JSON on stdout;
// logs go to stderr. `--webhook-url` posts there with no AWS call; otherwise the secret named by
// SLACK_WEBHOOK_SECRET_ID is read with the caller's AWS credentials. The slack-notifier records its
// waves in an in-memory table (dynalite) that lives for this run: never in the deployed table.
//
//   npm run invoke -- [<env>] <function> --event <file.json> [--event <file.json> ...] [--webhook-url <url>] [--at <ISO time>] [--ecs <answers.json>]
//
// `--at` sets the function's clock (it then runs on from there): the fixtures are of Monday 2026-11-23,
// and the slack-notifier reports calls, and refuses closes, too old for any wave it could post.
// The slack-notifier reads ECS from a local stand-in (scripts/local-ecs.ts), never the real one: `--ecs
// <file.json>` gives its DescribeServices answers; without it each called service runs the tasks its
// call asked for.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Context } from 'aws-lambda';
import type { EnvironmentConfig } from '../environments';
import { EnvironmentArgumentError, environmentArgument } from './cli/environment-argument';
import type { WebhookUrlSource } from '../functions/shared/webhook-url';
import type { WireAnswer, WireService } from './local-ecs';

type Handler = (event: never, context: Context) => Promise<unknown>;

/** Both handlers take the same injections (functions/shared/deliver.ts SlackHandlerDeps), and maybe more. */
interface FunctionEntry {
  handlerModule: () => Promise<{ createHandler: (deps: never) => Handler }>;
  /** Variables the stack would set, from the environment config. */
  environment: (config: EnvironmentConfig) => Promise<Record<string, string>>;
  /** What the function needs beyond the variables, stood up locally for this run. */
  local?: (config: EnvironmentConfig, variables: Record<string, string>, run: RunInputs) => Promise<LocalDeps>;
}

/** The run's events and the --ecs answers file, if any. */
interface RunInputs {
  events: unknown[];
  ecsFile?: string;
}

interface LocalDeps {
  deps: object;
  close(): Promise<void>;
}

const FUNCTIONS: Record<string, FunctionEntry> = {
  'slack-notifier': {
    handlerModule: () => import('../functions/slack-notifier/handler'),
    environment: async (config) =>
      (await import('../constructs/slack-notifier/function-environment')).slackNotifierEnvironment(
        config,
        config.slackNotifier.webhookSecret,
      ),
    // The wave manifest the stack would package, a local waves table of the same name, and a local ECS.
    local: async (config, variables, run) => {
      const [{ startLocalWaveTable }, { waveManifest }, { startLocalEcs }] = await Promise.all([
        import('./local-wave-table'),
        import('../constructs/slack-notifier/wave-manifest'),
        import('./local-ecs'),
      ]);
      const answers =
        run.ecsFile === undefined ? await answersFromCalls(run.events, config) : [readAnswers(run.ecsFile)];
      const [table, ecs] = await Promise.all([startLocalWaveTable(variables.WAVES_TABLE), startLocalEcs()]);
      ecs.serve(...answers);
      process.stderr.write(
        run.ecsFile === undefined
          ? 'ECS: a local stand-in in which each called service runs the tasks its call asked for (--ecs <file> gives other answers)\n'
          : `ECS: a local stand-in answering from ${run.ecsFile}\n`,
      );
      return {
        deps: {
          manifest: waveManifest(config),
          dynamodb: table.client,
          ecs: ecs.client(),
          // A local stand-in changes only between its answers: polling it long shows nothing more.
          settle: { waitMs: 3_000, pollMs: 1_000, reserveMs: 0 },
        },
        close: () => Promise.all([table.close(), ecs.close()]).then(() => undefined),
      };
    },
  },
  'alert-service': {
    handlerModule: () => import('../functions/alert-service/handler'),
    environment: async (config) =>
      (await import('../constructs/cloudwatch/function-environment')).alertServiceEnvironment(
        config,
        config.cloudwatch.webhookSecret,
      ),
    // A local deliveries table of the same name.
    local: async (_config, variables) => {
      const { startLocalDeliveriesTable } = await import('./local-wave-table');
      const table = await startLocalDeliveriesTable(variables.DELIVERIES_TABLE);
      return { deps: { dynamodb: table.client }, close: () => table.close() };
    },
  },
};

/**
 * The function and the environment the positionals name (in any order; the environment may also come
 * with the older `--env`, and is dev when none is given).
 */
async function targetOf(
  positionals: string[],
  oldFlag: string | undefined,
): Promise<{ fn: string; entry: FunctionEntry; config: EnvironmentConfig }> {
  const { loadEnvironments } = await import('../environments');
  const environments = loadEnvironments();
  const known = environments.map((env) => env.name);
  const functions = positionals.filter((p) => p in FUNCTIONS);
  const unknown = positionals.filter((p) => !(p in FUNCTIONS) && !known.includes(p));
  if (functions.length !== 1 || unknown.length > 0) {
    const names = Object.keys(FUNCTIONS).join(', ');
    throw new UsageError(
      unknown.length > 0
        ? `"${unknown[0]}" is neither a function (${names}) nor an environment (${known.join(', ')})`
        : functions.length > 1
          ? 'one function at a time'
          : `which function? give one of ${names}`,
    );
  }
  const named = positionals.filter((p) => known.includes(p));
  const name = environmentArgument({
    command: 'invoke',
    positionals: named.length === 0 && oldFlag === undefined ? ['dev'] : named,
    oldFlag: { name: '--env', value: oldFlag },
    known,
    notice: (line) => process.stderr.write(`${line}\n`),
  });
  const fn = functions[0]!;
  return { fn, entry: FUNCTIONS[fn]!, config: environments.find((env) => env.name === name)! };
}

const USAGE = `usage: npm run invoke -- [<env>] <${Object.keys(FUNCTIONS).join('|')}> --event <file.json> [--event <file.json> ...] [--webhook-url <url>] [--at <ISO time>] [--ecs <answers.json>]`;

/** `--ecs <file>`: a DescribeServices answer as ECS sends it (`{"services": [...], "failures": [...]}`). */
function readAnswers(file: string): WireAnswer {
  const answer = readEvent(file, '--ecs') as Partial<WireAnswer> | null;
  if (!answer || !Array.isArray(answer.services)) {
    throw new UsageError(`--ecs ${file}: not a DescribeServices answer ({"services": [...]})`);
  }
  return answer as WireAnswer;
}

/** Each successful scaling call of the events' SQS batches, as a service steady at the count it asked. */
async function answersFromCalls(events: unknown[], config: EnvironmentConfig): Promise<WireAnswer[]> {
  const { readScalingResult } = await import('../functions/slack-notifier/cloudtrail');
  const services: WireService[] = [];
  for (const event of events) {
    for (const record of (event as { Records?: { body?: string }[] } | null)?.Records ?? []) {
      let call;
      try {
        call = readScalingResult(record.body ?? '');
      } catch {
        continue; // the handler reports it
      }
      if (!call.succeeded || call.desiredCount === undefined) continue;
      const count = call.desiredCount;
      services.push({
        serviceName: call.service,
        serviceArn: `arn:aws:ecs:${config.region}:${config.accountId}:service/${call.cluster}/${call.service}`,
        clusterArn: `arn:aws:ecs:${config.region}:${config.accountId}:cluster/${call.cluster}`,
        status: 'ACTIVE',
        desiredCount: count,
        runningCount: count,
        pendingCount: 0,
        events: [],
      });
    }
  }
  return [{ services }];
}

/** A clock that reads `at` now and runs on from there. */
function clockFrom(at: string): () => number {
  const start = Date.parse(at);
  if (Number.isNaN(start)) throw new UsageError(`--at ${at}: not an ISO time such as 2026-11-24T00:00:00Z`);
  const offset = start - Date.now();
  return () => Date.now() + offset;
}

class UsageError extends Error {}

function localContext(functionName: string): Context {
  const deadline = Date.now() + 60_000;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:local:000000000000:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: `local-${Date.now()}`,
    logGroupName: 'local',
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** The --webhook-url as a URL source; a bad one is a usage error (exit 2) that never repeats the URL. */
async function fixedUrl(url: string): Promise<WebhookUrlSource> {
  const { fixedWebhookUrl } = await import('../functions/shared/webhook-url');
  try {
    return fixedWebhookUrl(url);
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

function readEvent(file: string, flag = '--event'): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new UsageError(`${flag} ${file}: cannot read it (${(error as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new UsageError(`${flag} ${file}: not JSON`);
  }
}

/**
 * Whether npm put its run-script banner into the stdout a program reads: npm 11 prints it on its own
 * stdout, which this script shares, unless run with --silent (or --json, which moves it to stderr).
 */
function npmBannerOnStdout(): boolean {
  const env = process.env;
  return (
    env.npm_lifecycle_event === 'invoke' &&
    env.npm_config_loglevel !== 'silent' &&
    env.npm_config_json !== 'true' &&
    !process.stdout.isTTY
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      event: { type: 'string', multiple: true },
      'webhook-url': { type: 'string' },
      env: { type: 'string' },
      at: { type: 'string' },
      ecs: { type: 'string' },
    },
  });
  const { fn, entry, config } = await targetOf(positionals, values.env);
  if (!values.event?.length) throw new UsageError('--event <file.json> is required');
  const events = values.event.map((file) => readEvent(file));
  if (values.ecs !== undefined && fn !== 'slack-notifier') throw new UsageError('--ecs is for the slack-notifier only');
  if (values.ecs !== undefined) readAnswers(values.ecs); // a bad file is a usage error before anything runs
  const clock = values.at === undefined ? undefined : clockFrom(values.at);
  const webhookUrl = values['webhook-url'];
  const urlSource = webhookUrl === undefined ? undefined : await fixedUrl(webhookUrl);
  const variables = await entry.environment(config);
  for (const [key, value] of Object.entries(variables)) {
    if (key === 'SLACK_WEBHOOK_SECRET_ID' && process.env[key]) continue; // the caller's choice wins
    process.env[key] = value;
  }
  if (!webhookUrl) {
    const secretId = process.env.SLACK_WEBHOOK_SECRET_ID;
    if (!secretId) {
      throw new UsageError(
        'no --webhook-url and no SLACK_WEBHOOK_SECRET_ID: give one (the secret needs AWS credentials)',
      );
    }
    if (!process.env.AWS_REGION && !process.env.AWS_DEFAULT_REGION) {
      process.env.AWS_REGION = config.region;
    }
    process.stderr.write(
      `no --webhook-url: reading the webhook URL from secret "${secretId}" (SLACK_WEBHOOK_SECRET_ID) ` +
        `in ${process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION} with your AWS credentials\n`,
    );
  }

  // Logs (Powertools writes to stdout) go to stderr while the handler runs: stdout is the result only.
  const stdoutWrite = process.stdout.write.bind(process.stdout);
  process.stdout.write = process.stderr.write.bind(process.stderr);
  const results: unknown[] = [];
  const local = await entry.local?.(config, variables, {
    events,
    ...(values.ecs === undefined ? {} : { ecsFile: values.ecs }),
  });
  try {
    const { createHandler } = await entry.handlerModule();
    const handler = createHandler({
      ...(urlSource ? { webhookUrl: urlSource } : {}),
      ...(clock ? { now: clock } : {}),
      ...local?.deps,
    } as never);
    for (const event of events) results.push((await handler(event as never, localContext(fn))) ?? null);
  } finally {
    process.stdout.write = stdoutWrite;
    await local?.close();
  }
  if (npmBannerOnStdout()) {
    process.stderr.write(
      'invoke: npm printed its "> ... invoke" banner on stdout ahead of this JSON; for the JSON alone run `npm run --silent invoke -- ...`\n',
    );
  }
  // One event: its result; several: the results in order.
  process.stdout.write(`${JSON.stringify(results.length === 1 ? results[0] : results, null, 2)}\n`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (
      error instanceof UsageError ||
      error instanceof EnvironmentArgumentError ||
      (error as { code?: string })?.code?.startsWith('ERR_PARSE_ARGS')
    ) {
      process.stderr.write(`${(error as Error).message}\n${USAGE}\n`);
      process.exit(2);
    }
    process.stderr.write(
      `invoke failed: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}\n`,
    );
    process.exit(1);
  },
);
