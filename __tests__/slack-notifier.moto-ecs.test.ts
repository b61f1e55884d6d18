// End to end against moto's ECS (moto_server on 127.0.0.1): the services are created there, each is
// scaled with UpdateService made from its scale schedule's own input (as the stack synthesizes it),
// and the real notifier handler reads DescribeServices through its own default SDK client
// (AWS_ENDPOINT_URL_ECS), recording the wave in moto's DynamoDB: one summary, every service running.
import { Logger } from '@aws-lambda-powertools/logger';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
} from '@aws-sdk/client-ecs';
import { waveManifest } from '../constructs/slack-notifier/wave-manifest';
import { parseEnvironment } from '../environments';
import { fixedWebhookUrl } from '../functions/shared/webhook-url';
import { createHandler } from '../functions/slack-notifier/handler';
import { LOCAL_AWS } from '../scripts/local-wave-table';
import { sqsEventFor } from './support/cloudtrail-events';
import { testEnvironment } from './support/environment-builder';
import { lambdaContext } from './support/lambda';
import { describeWithMoto, type MotoTables, startMotoTables } from './support/moto';
import { type FakeSlack, inChannel, readableText, startFakeSlack } from './support/slack-server';
import { resourcesOf, synthScheduler } from './support/synth';

/** Monday 2026-11-23 08:30 KST, the test environment's scale-up wave. */
const SCALE_UP = Date.UTC(2026, 10, 22, 23, 30);
const context = () => lambdaContext('ecs-scheduler-slack-notifier-qa', 30_000);

describeWithMoto("the notifier on moto's ECS", () => {
  const env = testEnvironment();
  const config = parseEnvironment(env);
  let moto: MotoTables;
  let slack: FakeSlack;
  let ecs: ECSClient;
  const saved: Record<string, string | undefined> = {};
  const variables = (endpoint: string) => ({
    AWS_ENDPOINT_URL_ECS: endpoint,
    AWS_REGION: LOCAL_AWS.region,
    AWS_ACCESS_KEY_ID: LOCAL_AWS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_AWS.secretAccessKey,
  });

  beforeAll(async () => {
    [moto, slack] = await Promise.all([startMotoTables(), startFakeSlack()]);
    for (const [key, value] of Object.entries(variables(moto.waves.endpoint))) {
      saved[key] = process.env[key];
      process.env[key] = value;
    }
    ecs = new ECSClient({
      endpoint: moto.waves.endpoint,
      region: LOCAL_AWS.region,
      credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
    });
    const task = await ecs.send(
      new RegisterTaskDefinitionCommand({
        family: 'qa-app',
        containerDefinitions: [{ name: 'app', image: 'public.ecr.aws/nginx/nginx:1.27', memory: 512 }],
      }),
    );
    for (const cluster of new Set(config.scheduler.services.map((s) => s.cluster))) {
      await ecs.send(new CreateClusterCommand({ clusterName: cluster }));
    }
    for (const { cluster, service } of config.scheduler.services) {
      await ecs.send(
        new CreateServiceCommand({
          cluster,
          serviceName: service,
          taskDefinition: task.taskDefinition!.taskDefinitionArn!,
          desiredCount: 0,
        }),
      );
    }
  }, 60_000);

  afterAll(async () => {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    ecs?.destroy();
    await Promise.all([moto?.close(), slack?.close()]);
  });

  it('scales each service with its schedule input and posts one summary, every service at its count', async () => {
    // Each scale-up schedule's UpdateService input, as Scheduler sends it (its universal target's fields).
    const inputs = Object.values(resourcesOf(synthScheduler(env), 'aws_scheduler_schedule'))
      .map((schedule) => schedule.target as { arn: string; input: string })
      .filter((target) => target.arn.endsWith('ecs:updateService'))
      .map((target) => JSON.parse(target.input) as { Cluster: string; Service: string; DesiredCount: number })
      .filter((input) => input.DesiredCount === 1);
    expect(inputs.map((i) => `${i.Cluster}/${i.Service}`).sort()).toEqual([
      'apps-qa/api',
      'apps-qa/worker',
      'batch-qa/batch-job',
    ]);
    for (const input of inputs) {
      await ecs.send(
        new UpdateServiceCommand({ cluster: input.Cluster, service: input.Service, desiredCount: input.DesiredCount }),
      );
    }
    const clock = { now: SCALE_UP + 4 * 60_000 };
    // No `ecs`: the handler builds its own client, which AWS_ENDPOINT_URL_ECS points at moto.
    const handler = createHandler({
      webhookUrl: fixedWebhookUrl(slack.url),
      settings: { environment: 'qa', timeZone: 'Asia/Seoul', tableName: moto.waves.tableName },
      delivery: { baseBackoffMs: 5, maxBackoffMs: 10 },
      manifest: waveManifest(config),
      dynamodb: moto.waves.client,
      now: () => clock.now,
      logger: new Logger({ logLevel: 'SILENT' }),
    });
    // What CloudTrail records of those calls, as the rule delivers them.
    const batch = sqsEventFor(
      inputs.map((input, i) => ({
        service: input.Service,
        cluster: input.Cluster,
        desiredCount: input.DesiredCount,
        atSecond: (SCALE_UP - Date.UTC(2026, 10, 23)) / 1000 + 60 + i,
      })),
    );
    expect(await handler(batch, context())).toEqual({ batchItemFailures: [] });
    clock.now = SCALE_UP + 20 * 60_000;
    await handler({ closeWave: { action: 'scale-up', scheduledTime: new Date(clock.now).toISOString() } }, context());
    clock.now = SCALE_UP + 35 * 60_000;
    await handler({ checkWave: { action: 'scale-up', scheduledTime: new Date(clock.now).toISOString() } }, context());

    const posts = inChannel(slack.posts).map(readableText);
    expect(posts).toHaveLength(1);
    const lines = posts[0]!.split('\n');
    expect(lines).toContain('api       │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(lines).toContain('worker    │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(lines).toContain('batch-job │ Scale Up (→1)    │ ✅ 1/1 running');
    expect(lines).toContain('*Tasks:* 3 reached their count');
  }, 60_000);
});
