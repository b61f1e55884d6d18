// A local stand-in for ECS's DescribeServices on 127.0.0.1, speaking ECS's own JSON 1.1 protocol, so
// the notifier's real SDK client reads it (AWS_ENDPOINT_URL_ECS, or a client with this endpoint):
// for the function tests and for `npm run invoke -- ... --ecs <file>`, which never reads a real ECS.
// It answers from service descriptions in ECS's wire shape (a DescribeServices answer as ECS sends
// it: times in epoch seconds); a service may hold several in turn (pending, then steady), and an
// error may be served instead (a throttled or refused call, as ECS sends it).
import { ECSClient } from '@aws-sdk/client-ecs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LOCAL_AWS } from './local-wave-table';

/** One service as ECS sends it in a DescribeServices answer (its JSON, times in epoch seconds). */
export type WireService = Record<string, unknown> & { serviceName: string; clusterArn: string };

/** A DescribeServices answer as ECS sends it. */
export interface WireAnswer {
  services: WireService[];
  failures?: { arn: string; reason: string; detail?: string }[];
  /** Not ECS's: a call that asks for one of these services gets this error instead (an answer file's way to show one). */
  errors?: ({ service: string } & WireError)[];
}

/** An error answer: `ThrottlingException`, `AccessDeniedException`, ... with its HTTP status. */
export interface WireError {
  status: number;
  type: string;
  message: string;
}

export interface DescribeRequest {
  cluster: string;
  services: string[];
}

export interface LocalEcs {
  /** `http://127.0.0.1:<port>`: for AWS_ENDPOINT_URL_ECS in another process. */
  endpoint: string;
  /** A client of this server, retrying as the notifier's does (`maxAttempts`). */
  client(maxAttempts?: number): ECSClient;
  /** Every DescribeServices request received, in order. */
  requests: DescribeRequest[];
  /** Each service of the answers is served as described; a service given several times, in turn (the last stays). */
  serve(...answers: WireAnswer[]): void;
  /** The next `times` requests get this error (default: every one). */
  fail(error: WireError, times?: number): void;
  close(): Promise<void>;
}

const TARGET = 'AmazonEC2ContainerServiceV20141113.DescribeServices';

const lastSegment = (value: string) => value.split('/').pop() ?? value;
const clusterName = (value: string) => (value.startsWith('arn:') ? lastSegment(value) : value);

export async function startLocalEcs(): Promise<LocalEcs> {
  const turns = new Map<string, WireService[]>();
  const refusals = new Map<string, WireError>();
  const requests: DescribeRequest[] = [];
  let failure: { error: WireError; left: number } | undefined;
  const answer = (response: ServerResponse, status: number, body: unknown) => {
    response.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
    response.end(JSON.stringify(body));
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.headers['x-amz-target'] !== TARGET) {
        answer(response, 400, { __type: 'UnknownOperationException', message: 'only DescribeServices is served' });
        return;
      }
      const input = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Partial<DescribeRequest>;
      const cluster = clusterName(input.cluster ?? 'default');
      const names = (input.services ?? []).map(lastSegment);
      requests.push({ cluster, services: names });
      let error = names.map((name) => refusals.get(name)).find((found) => found !== undefined);
      if (failure && failure.left > 0) {
        failure.left -= 1;
        error = failure.error;
      }
      if (error) {
        answer(response, error.status, { __type: error.type, message: error.message });
        return;
      }
      const services: WireService[] = [];
      const failures: WireAnswer['failures'] = [];
      for (const name of names) {
        const queue = turns.get(`${cluster}/${name}`);
        if (!queue?.length) {
          failures.push({
            arn: `arn:aws:ecs:${LOCAL_AWS.region}:000000000000:service/${cluster}/${name}`,
            reason: 'MISSING',
          });
          continue;
        }
        services.push(queue.length > 1 ? queue.shift()! : queue[0]!);
      }
      answer(response, 200, { services, failures });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const endpoint = `http://127.0.0.1:${port}`;
  const clients: ECSClient[] = [];
  return {
    endpoint,
    requests,
    client: (maxAttempts = 4) => {
      const client = new ECSClient({
        endpoint,
        region: LOCAL_AWS.region,
        credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
        maxAttempts,
      });
      clients.push(client);
      return client;
    },
    serve: (...answers) => {
      turns.clear();
      refusals.clear();
      for (const { errors = [] } of answers) for (const { service, ...error } of errors) refusals.set(service, error);
      for (const { services } of answers) {
        for (const service of services) {
          const key = `${clusterName(service.clusterArn)}/${service.serviceName}`;
          turns.set(key, [...(turns.get(key) ?? []), service]);
        }
      }
    },
    fail: (error, times = Infinity) => {
      failure = { error, left: times };
    },
    close: async () => {
      clients.forEach((client) => client.destroy());
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
