// A DynamoDB client that "crashes" at a chosen call: the call never returns, as when Lambda stops an
// invocation (timeout, out of memory) at that point. The test abandons that invocation and goes on
// as Lambda would, with a new one.
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

export interface CrashingClient {
  client: DynamoDBClient;
  /** Resolves when the chosen call is reached (the invocation is then stuck for good). */
  crashed: Promise<void>;
}

/** `at` sees each command's input; the first one it accepts never returns. */
export function crashAt(client: DynamoDBClient, at: (input: Record<string, unknown>) => boolean): CrashingClient {
  let signal: () => void = () => undefined;
  const crashed = new Promise<void>((resolve) => (signal = resolve));
  let done = false;
  const send = (command: { input: Record<string, unknown> }) => {
    if (!done && at(command.input)) {
      done = true;
      signal();
      return new Promise<never>(() => undefined);
    }
    return client.send(command as never);
  };
  return { client: { send } as unknown as DynamoDBClient, crashed };
}

/** The wave store's "posted" write: the update that marks the wave closed. */
export const isWaveClose = (input: Record<string, unknown>) =>
  typeof input.UpdateExpression === 'string' && input.UpdateExpression.startsWith('SET #status = :closed');

/** The delivery ledgers' write recording that Slack took a part (after its 200, before the post is finished). */
export const isPartConfirmed = (input: Record<string, unknown>) =>
  typeof input.UpdateExpression === 'string' && input.UpdateExpression.includes('#delivered = :true');
