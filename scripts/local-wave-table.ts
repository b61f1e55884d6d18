// An in-memory DynamoDB (dynalite) on 127.0.0.1 holding a waves table keyed as the stack creates it
// (or the alert deliveries table): for the function tests and for `npm run invoke`, which never
// touches the deployed tables.
import { CreateTableCommand, type CreateTableCommandInput, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
import { DELIVERIES_TABLE } from '../functions/alert-service/delivery-record';
import { WAVE_TABLE } from '../functions/slack-notifier/waves';

export interface LocalWaveTable {
  /** `http://127.0.0.1:<port>`: for AWS_ENDPOINT_URL_DYNAMODB in another process. */
  endpoint: string;
  tableName: string;
  /** A client for this server. */
  client: DynamoDBClient;
  close(): Promise<void>;
}

/** Credentials and region the local server accepts (it checks neither). */
export const LOCAL_AWS = { region: 'ap-northeast-2', accessKeyId: 'AKIALOCALEXAMPLE0000', secretAccessKey: 'local' };

type TableKeys = Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema'>;

/** The waves table's keys, as the stack creates them. */
export const WAVE_TABLE_KEYS: TableKeys = {
  AttributeDefinitions: [
    { AttributeName: WAVE_TABLE.partitionKey, AttributeType: 'S' },
    { AttributeName: WAVE_TABLE.sortKey, AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: WAVE_TABLE.partitionKey, KeyType: 'HASH' },
    { AttributeName: WAVE_TABLE.sortKey, KeyType: 'RANGE' },
  ],
};

/** The alert-service's deliveries table's key (one item per SNS MessageId). */
export const DELIVERIES_TABLE_KEYS: TableKeys = {
  AttributeDefinitions: [{ AttributeName: DELIVERIES_TABLE.partitionKey, AttributeType: 'S' }],
  KeySchema: [{ AttributeName: DELIVERIES_TABLE.partitionKey, KeyType: 'HASH' }],
};

export function startLocalWaveTable(tableName = 'ecs-scheduler-waves-local'): Promise<LocalWaveTable> {
  return startLocalTable({ TableName: tableName, ...WAVE_TABLE_KEYS });
}

/** The alert-service's deliveries table. */
export function startLocalDeliveriesTable(tableName = 'ott-alert-deliveries-local'): Promise<LocalWaveTable> {
  return startLocalTable({ TableName: tableName, ...DELIVERIES_TABLE_KEYS });
}

async function startLocalTable(
  table: Pick<CreateTableCommandInput, 'TableName' | 'AttributeDefinitions' | 'KeySchema'>,
): Promise<LocalWaveTable> {
  const tableName = table.TableName!;
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS.region,
    credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
  });
  await client.send(new CreateTableCommand({ ...table, BillingMode: 'PAY_PER_REQUEST' }));
  return {
    endpoint,
    tableName,
    client,
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
