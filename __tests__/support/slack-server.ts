// A real HTTP server on 127.0.0.1 standing in for a Slack incoming webhook. Each test scripts the
// answers (status, body, headers, delay); every request is recorded with its arrival time.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedAnswer {
  status: number;
  body?: string;
  headers?: Record<string, string>;
  /** Hold the answer this long (to provoke client timeouts). */
  delayMs?: number;
  /**
   * Take the whole post, then close the connection without answering: Slack posted it (or not), and
   * the answer was lost. The post is recorded like any other.
   */
  drop?: true;
}

export interface RecordedPost {
  path: string;
  headers: IncomingMessage['headers'];
  body: string;
  /** Parsed JSON body, or undefined when it was not JSON. */
  json: unknown;
  receivedAt: number;
  /** What the stand-in answered (a `drop` took the post): whether the post is in the channel. */
  answer: ScriptedAnswer;
}

export interface FakeSlack {
  /** Webhook URL with a secret-looking path, e.g. http://127.0.0.1:PORT/services/T000/B000/XXXX. */
  url: string;
  posts: RecordedPost[];
  /** Answers used in order; the last one repeats. Default: 200 "ok". */
  answer(...answers: ScriptedAnswer[]): void;
  /** Resolves once `count` posts have arrived (at once if they already have). */
  received(count: number): Promise<void>;
  close(): Promise<void>;
}

export const WEBHOOK_PATH = '/services/T00000000/B00000000/TESTSECRETxxxxxxxxxxxxxx';

export async function startFakeSlack(): Promise<FakeSlack> {
  let script: ScriptedAnswer[] = [{ status: 200, body: 'ok' }];
  let served = 0;
  const posts: RecordedPost[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const answer = script[Math.min(served, script.length - 1)] ?? { status: 200, body: 'ok' };
      posts.push({ path: request.url ?? '', headers: request.headers, body, json, receivedAt: Date.now(), answer });
      served += 1;
      for (const waiter of waiting.filter((w) => posts.length >= w.count)) {
        waiting.splice(waiting.indexOf(waiter), 1);
        waiter.resolve();
      }
      if (answer.drop) {
        request.socket.destroy();
        return;
      }
      const send = () => {
        if (response.destroyed) return;
        response.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers });
        response.end(answer.body ?? '');
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs).unref();
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${WEBHOOK_PATH}`,
    posts,
    answer(...answers) {
      script = answers.length > 0 ? answers : [{ status: 200, body: 'ok' }];
      served = 0;
    },
    received: (count) =>
      posts.length >= count ? Promise.resolve() : new Promise<void>((resolve) => waiting.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A 127.0.0.1 URL nothing listens on (connection refused). */
export async function refusedUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}${WEBHOOK_PATH}`;
}

/** Everything a person reads in a posted Block Kit message: the fallback and every block's text. */
export function readableText(post: RecordedPost): string {
  const message = post.json as { text: string; blocks?: { text?: { text?: string } }[] };
  return [message.text, ...(message.blocks ?? []).map((block) => block.text?.text ?? '')].join('\n');
}

/** A `sleep` stand-in that records how long the code asked to wait, and returns at once. */
export function recordWait(waits: number[], ms: number): Promise<void> {
  waits.push(ms);
  return Promise.resolve();
}

/** The posts Slack took: answered 2xx, or taken and the connection dropped. */
export function inChannel(posts: RecordedPost[]): RecordedPost[] {
  return posts.filter((post) => post.answer.status >= 200 && post.answer.status < 300);
}
