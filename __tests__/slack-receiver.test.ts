// `npm run slack-receiver`: the README's invoke examples post to it, offline, and it prints what
// Slack would show. The examples run in a project copy whose "dev" schedules the fixtures' services.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderSlackMessage } from '../scripts/slack-receiver/render';
import { testEnvironment } from './support/environment-builder';
import { FIXTURE_SERVICES, fixtureEnvironment } from './support/fixture-environment';
import { projectCopy, ROOT } from './support/project-copy';

const COPY = projectCopy({ dev: fixtureEnvironment(), stg: testEnvironment({ name: 'stg' }) });
afterAll(() => rmSync(COPY, { recursive: true, force: true }));
const SERVICE_COUNT = FIXTURE_SERVICES.length;

/** Resolves with everything the child printed once `pattern` appears on its stdout. */
function waitForOutput(child: ChildProcess, pattern: RegExp, seen: { text: string }): Promise<string> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (pattern.test(seen.text)) {
        child.stdout?.off('data', check);
        resolve(seen.text);
      }
    };
    child.stdout?.on('data', check);
    child.once('exit', (code) =>
      reject(new Error(`receiver exited (${code}) before printing ${pattern}: ${seen.text}`)),
    );
    check();
  });
}

describe('npm run slack-receiver', () => {
  let receiver: ChildProcess;
  const seen = { text: '' };
  let url = '';

  beforeAll(async () => {
    receiver = spawn(process.execPath, ['--require', 'tsx/cjs', 'scripts/slack-receiver.ts', '--port', '0'], {
      cwd: COPY,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    receiver.stdout!.on('data', (chunk: Buffer) => (seen.text += chunk.toString('utf8')));
    const banner = await waitForOutput(receiver, /listening on (\S+) /, seen);
    url = /listening on (\S+) /.exec(banner)![1]!;
  }, 60_000);

  afterAll(async () => {
    if (receiver.exitCode !== null) return;
    const exited = new Promise((resolve) => receiver.once('exit', resolve));
    receiver.kill('SIGTERM');
    await exited;
  });

  /** The README's `npm run invoke` examples, as written there (continuation lines joined). */
  function readmeInvokeExamples(): string[][] {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8').replace(/\\\n\s*/g, '');
    return readme
      .split('\n')
      .filter((line) => line.startsWith('npm run invoke -- '))
      .map((line) => line.slice('npm run invoke -- '.length).trim().split(/\s+/));
  }

  it('shows what Slack would for each invoke example of the README, run as written there', async () => {
    const examples = readmeInvokeExamples();
    expect(examples.map((args) => args.slice(0, 2))).toEqual([
      ['dev', 'alert-service'],
      ['dev', 'slack-notifier'],
      ['dev', 'slack-notifier'],
    ]);
    const outputs: unknown[] = [];
    for (const args of examples) {
      expect(args).toContain('http://127.0.0.1:8080/hook');
      const { stdout } = await promisify(execFile)(
        process.execPath,
        ['--import', 'tsx', 'scripts/invoke.ts', ...args.map((a) => (a === 'http://127.0.0.1:8080/hook' ? url : a))],
        { cwd: COPY },
      );
      outputs.push(JSON.parse(stdout));
    }
    expect(outputs[0]).toEqual({ records: 1, delivered: 1 });
    expect(outputs[1]).toEqual([
      // The fixture's wave is days past its deadline and incomplete: its record is returned once (README).
      { batchItemFailures: [{ itemIdentifier: expect.any(String) as string }] },
      expect.objectContaining({ posted: true, reported: 1, missing: SERVICE_COUNT - 1 }),
    ]);
    // A whole wave in one batch: every record settled, the summary posted at once.
    expect(outputs[2]).toEqual({ batchItemFailures: [] });
    const shown = await waitForOutput(receiver, /--- message 3: POST \/hook -> 200\n[\s\S]*Scale Up/, seen);
    expect(shown).toContain('notification text: 🚨 *[OTT 인프라 감지]* 상태가 *ALARM*로 변경되었습니다.');
    expect(shown).toContain('attachment (#eb4034):\n  | 경보 상세: OTT-Aurora-Cluster-CPU-Utilization-High');
    // Slack shows the alarm reason's "->" (sent as "-&gt;") as "->", and so does the receiver.
    expect(shown).toContain('(minimum 5 datapoints for OK -> ALARM transition)');
    expect(shown).not.toContain('&gt;');
    const [, , second, third] = shown.split(/--- message \d: /);
    expect(second).toContain('  # ⚠️ ECS Scheduled Scaling Summary: dev');
    expect(second).toContain('No UpdateService call seen');
    expect(third).toContain(`(late): dev`);
    expect(third).toContain(`*Total:* ${SERVICE_COUNT} succeeded, 0 failed`);
  }, 120_000);

  it('answers a body that is not a JSON object as Slack does: 400 invalid_payload', async () => {
    const response = await fetch(url, { method: 'POST', body: 'not json' });
    expect(response.status).toBe(400);
    expect(await response.text()).toBe('invalid_payload');
    await waitForOutput(receiver, /-> 400\ninvalid_payload/, seen);
  }, 60_000);
});

describe('the rendering', () => {
  it('shows the fallback text, header, sections with fields, context and dividers', () => {
    const body = JSON.stringify({
      text: 'fallback',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: 'Title' } },
        { type: 'section', text: { type: 'mrkdwn', text: '*bold*' }, fields: [{ text: 'a' }, { text: 'b' }] },
        { type: 'divider' },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'small' }] },
      ],
    });
    expect(renderSlackMessage(body)).toBe(
      ['notification text: fallback', 'message:', '  # Title', '  *bold*', '  a  |  b', '  ----', '  small'].join('\n'),
    );
    expect(() => renderSlackMessage('[1]')).toThrow('not a JSON object');
  });

  it("shows Slack's three escapes as the characters they stand for, once", () => {
    const escaped = 'OK -&gt; ALARM &lt;b&gt; Q&amp;A &amp;lt;';
    const body = JSON.stringify({
      text: escaped,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: escaped } },
        { type: 'section', text: { type: 'mrkdwn', text: escaped }, fields: [{ text: escaped }] },
        { type: 'context', elements: [{ type: 'mrkdwn', text: escaped }] },
      ],
      attachments: [{ title: escaped, text: escaped, fields: [{ title: 't', value: escaped }], footer: escaped }],
    });
    const shown = 'OK -> ALARM <b> Q&A &lt;';
    expect(renderSlackMessage(body)).toBe(
      [
        `notification text: ${shown}`,
        'message:',
        `  # ${shown}`,
        `  ${shown}`,
        `  ${shown}`,
        `  ${shown}`,
        'attachment (no colour):',
        `  | ${shown}`,
        `  | ${shown}`,
        `  | t: ${shown}`,
        `  | — ${shown}`,
      ].join('\n'),
    );
  });
});
