// npm run slack-receiver [-- --port 8080]
// A local stand-in for a Slack incoming webhook: listens on 127.0.0.1, prints each message as Slack
// would show it and answers 200 "ok" (400 "invalid_payload" for a body that is not a JSON object,
// as Slack does). Give its URL to `npm run invoke -- ... --webhook-url http://127.0.0.1:8080/hook`.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { renderSlackMessage } from './slack-receiver/render';

const { values } = parseArgs({ args: process.argv.slice(2), options: { port: { type: 'string', default: '8080' } } });
const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  process.stderr.write(`slack-receiver: --port ${values.port}: give a port number (0 picks a free one)\n`);
  process.exit(2);
}

let received = 0;
const server = createServer((request, response) => {
  const chunks: Buffer[] = [];
  request.on('data', (chunk: Buffer) => chunks.push(chunk));
  request.on('end', () => {
    received += 1;
    const body = Buffer.concat(chunks).toString('utf8');
    let shown: string;
    let status = 200;
    try {
      shown = renderSlackMessage(body);
    } catch (error) {
      status = 400;
      shown = `invalid_payload (${(error as Error).message}): ${body.slice(0, 500)}`;
    }
    process.stdout.write(`--- message ${received}: ${request.method} ${request.url} -> ${status}\n${shown}\n\n`);
    response.writeHead(status, { 'content-type': 'text/plain' });
    response.end(status === 200 ? 'ok' : 'invalid_payload');
  });
});

server.on('error', (error: NodeJS.ErrnoException) => {
  process.stderr.write(
    `slack-receiver: ${error.code === 'EADDRINUSE' ? `port ${port} is in use; pick another with --port` : error.message}\n`,
  );
  process.exit(1);
});
server.listen(port, '127.0.0.1', () => {
  const { port: bound } = server.address() as AddressInfo;
  process.stdout.write(
    `slack-receiver: listening on http://127.0.0.1:${bound}/hook (use it as --webhook-url; Ctrl-C stops)\n\n`,
  );
});
process.on('SIGINT', () => server.close(() => process.exit(0)));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
