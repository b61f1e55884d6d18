// moto's server (moto_server, on PATH) on 127.0.0.1 as a second DynamoDB backend, with the waves
// and the deliveries tables keyed as the stack creates them. For the sequential fault tests only:
// moto's DynamoDB loses concurrent ADDs, so concurrency is tested on dynalite. The same server also
// emulates ECS (the notifier's end-to-end test).
import { CreateTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { DELIVERIES_TABLE_KEYS, LOCAL_AWS, type LocalWaveTable, WAVE_TABLE_KEYS } from '../../scripts/local-wave-table';

export interface MotoTables {
  waves: LocalWaveTable;
  deliveries: LocalWaveTable;
  close(): Promise<void>;
}

/** How long moto_server may take to answer on a busy 2-core machine. */
const STARTUP_MS = 30_000;

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Whether moto_server is on PATH; why not, if it is not. */
export function motoMissing(): string | undefined {
  const found = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return found.error
    ? `moto_server is not on PATH (${found.error.message}); install moto 5.2.1 (pip install 'moto[server]==5.2.1')`
    : undefined;
}

/**
 * `describe` when moto_server is here; else the suite is skipped with one line saying why, unless
 * CI or REQUIRE_REAL_TERRAFORM=1 requires the real servers, which makes its absence a failure.
 */
export function describeWithMoto(name: string, body: () => void): void {
  const missing = motoMissing();
  if (!missing) {
    describe(name, body);
    return;
  }
  if (process.env.REQUIRE_REAL_TERRAFORM === '1' || process.env.CI === 'true') {
    describe(name, () => {
      it('needs moto_server', () => {
        throw new Error(`${missing}: CI and REQUIRE_REAL_TERRAFORM=1 require it`);
      });
    });
    return;
  }
  process.stdout.write(`\n${name}: skipped: ${missing}\n`);
  describe.skip(name, body);
}

export async function startMotoTables(): Promise<MotoTables> {
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn('moto_server', ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const exited = new Promise<never>((_, reject) => {
    child.once('error', (error) => reject(new Error(`moto_server could not start (is it on PATH?): ${error.message}`)));
    child.once('exit', (code) => reject(new Error(`moto_server exited with ${String(code)}`)));
  });
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS.region,
    credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
  });
  const stop = async () => {
    client.destroy();
    if (child.exitCode === null) {
      const gone = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await gone;
    }
  };
  try {
    const started = Date.now();
    for (;;) {
      try {
        await Promise.race([client.send(new ListTablesCommand({})), exited]);
        break;
      } catch (error) {
        if (Date.now() - started > STARTUP_MS || (error as Error).message.startsWith('moto_server')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
    const create = (table: ConstructorParameters<typeof CreateTableCommand>[0]) =>
      client.send(new CreateTableCommand({ ...table, BillingMode: 'PAY_PER_REQUEST' }));
    await create({ TableName: 'waves-moto', ...WAVE_TABLE_KEYS });
    await create({ TableName: 'deliveries-moto', ...DELIVERIES_TABLE_KEYS });
  } catch (error) {
    await stop();
    throw error;
  }
  const table = (tableName: string): LocalWaveTable => ({ endpoint, tableName, client, close: async () => {} });
  return { waves: table('waves-moto'), deliveries: table('deliveries-moto'), close: stop };
}
