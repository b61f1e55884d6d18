// `npm run invoke` of the slack-notifier reads ECS from a local stand-in, never the real one: `--ecs
// <file>` gives its DescribeServices answers, else each called service runs what its call asked. The
// troubleshooting page's example ("each outcome") is exactly what the local receiver shows for it.
import { execFile } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderSlackMessage } from '../scripts/slack-receiver/render';
import { testEnvironment } from './support/environment-builder';
import { fixtureEnvironment } from './support/fixture-environment';
import { projectCopy, ROOT } from './support/project-copy';
import { startFakeSlack, type FakeSlack } from './support/slack-server';

const run = promisify(execFile);
const COPY = projectCopy({ dev: fixtureEnvironment(), stg: testEnvironment({ name: 'stg' }) });
const BASE_ENV = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key)));
const BATCH = '__tests__/fixtures/slack-notifier/scale-up-all-succeeded.json';

let slack: FakeSlack;
beforeAll(async () => {
  slack = await startFakeSlack();
});
afterAll(async () => {
  await slack.close();
  rmSync(COPY, { recursive: true, force: true });
});
beforeEach(() => {
  slack.posts.length = 0;
});

const invoke = (args: string[]) =>
  run(process.execPath, ['--import', 'tsx', 'scripts/invoke.ts', 'dev', 'slack-notifier', ...args], {
    cwd: COPY,
    // No AWS endpoint, credentials or region: a call to the real ECS would fail the run.
    env: { ...BASE_ENV, SLACK_WEBHOOK_SECRET_ID: '', AWS_ACCESS_KEY_ID: '', AWS_PROFILE: 'none-such' },
  });

/** The example block of help/troubleshooting.md, "Example: each outcome". */
function documentedExample(): string {
  const doc = readFileSync(path.join(ROOT, 'help', 'troubleshooting.md'), 'utf8');
  const section = doc.slice(doc.indexOf('### Example: each outcome'));
  const start = section.indexOf('````text\n') + '````text\n'.length;
  return section.slice(start, section.indexOf('\n````', start));
}

it('--ecs answers: the summary shows each outcome, exactly as help/troubleshooting.md does', async () => {
  const { stdout, stderr } = await invoke([
    '--event',
    BATCH,
    '--ecs',
    '__tests__/fixtures/ecs/describe-services-dev-each-outcome.json',
    '--webhook-url',
    slack.url,
    '--at',
    '2026-11-23T00:20:30Z',
  ]);
  expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
  expect(stderr).toContain(
    'ECS: a local stand-in answering from __tests__/fixtures/ecs/describe-services-dev-each-outcome.json',
  );
  expect(slack.posts).toHaveLength(1);
  expect(renderSlackMessage(slack.posts[0]!.body)).toBe(documentedExample());
}, 60_000);

it('without --ecs: each called service runs the tasks its call asked for', async () => {
  const { stdout } = await invoke(['--event', BATCH, '--webhook-url', slack.url, '--at', '2026-11-23T00:20:30Z']);
  expect(JSON.parse(stdout)).toEqual({ batchItemFailures: [] });
  const shown = renderSlackMessage(slack.posts[0]!.body).split('\n');
  expect(shown).toContain('  nestjs                      │ Scale Up (→1)    │ ✅ 1/1 running');
  expect(shown).toContain('  *Tasks:* 20 reached their count');
}, 60_000);
