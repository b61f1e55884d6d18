// `npm run slack-receiver`: the README's invoke examples post to it, offline, and it prints what
// Slack would show.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { renderSlackMessage } from '../scripts/slack-receiver/render';

const ROOT = path.join(__dirname, '..');

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
    receiver = spawn(process.execPath, ['--import', 'tsx', 'scripts/slack-receiver.ts', '--port', '0'], {
      cwd: ROOT,
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

  it("shows the alert-service README example's message as Slack would", async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        '--import',
        'tsx',
        'scripts/invoke.ts',
        'alert-service',
        '--event',
        '__tests__/fixtures/alert-service/aurora-cpu-alarm.json',
        '--webhook-url',
        url,
        '--env',
        'dev',
      ],
      { cwd: ROOT },
    );
    expect(JSON.parse(stdout)).toEqual({ records: 1, delivered: 1 });
    const shown = await waitForOutput(
      receiver,
      /--- message 1: POST \/hook -> 200\n[\s\S]*— OTT 플랫폼 통합 관제 시스템/,
      seen,
    );
    expect(shown).toContain('notification text: 🚨 *[OTT 인프라 감지]* 상태가 *ALARM*로 변경되었습니다.');
    expect(shown).toContain('attachment (#eb4034):\n  | 경보 상세: OTT-Aurora-Cluster-CPU-Utilization-High');
  }, 60_000);

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
});
