// A loopback stand-in for the one AWS call a `terraform plan -refresh=false` of the stacks makes:
// STS GetCallerIdentity, with which the provider learns the account and checks it against
// `allowed_account_ids`. Any other request is refused, so an unexpected AWS call fails the plan.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface StsStub {
  url: string;
  /** Actions the provider asked for, in order. */
  readonly requests: string[];
  close(): Promise<void>;
}

function identity(account: string): string {
  return (
    '<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>' +
    `<Arn>arn:aws:iam::${account}:user/offline-plan</Arn><UserId>AIDAOFFLINEPLAN</UserId><Account>${account}</Account>` +
    '</GetCallerIdentityResult><ResponseMetadata><RequestId>00000000-0000-4000-8000-000000000000</RequestId>' +
    '</ResponseMetadata></GetCallerIdentityResponse>'
  );
}

export async function startStsStub(account: string): Promise<StsStub> {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    req.on('end', () => {
      const action = new URLSearchParams(body).get('Action') ?? `${req.method} ${req.url}`;
      requests.push(action);
      if (action === 'GetCallerIdentity') {
        res.writeHead(200, { 'content-type': 'text/xml' }).end(identity(account));
      } else {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(`offline plan: unexpected AWS call ${action}`);
      }
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
