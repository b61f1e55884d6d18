// An in-memory DynamoDB (dynalite) on 127.0.0.1 holding a waves table keyed as the stack creates it:
// for the slack-notifier tests and for `npm run invoke`, which never touches the deployed table.
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import type { AddressInfo } from 'node:net';
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

export async function startLocalWaveTable(tableName = 'ecs-scheduler-waves-local'): Promise<LocalWaveTable> {
  const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_AWS.region,
    credentials: { accessKeyId: LOCAL_AWS.accessKeyId, secretAccessKey: LOCAL_AWS.secretAccessKey },
  });
  await client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: WAVE_TABLE.partitionKey, AttributeType: 'S' },
        { AttributeName: WAVE_TABLE.sortKey, AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: WAVE_TABLE.partitionKey, KeyType: 'HASH' },
        { AttributeName: WAVE_TABLE.sortKey, KeyType: 'RANGE' },
      ],
    }),
  );
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
