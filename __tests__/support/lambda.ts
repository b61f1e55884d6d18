// A Lambda context with a chosen remaining time, and a capture of stdout/stderr (where the
// Powertools Logger writes), shared by the function tests.
import type { Context } from 'aws-lambda';

export function lambdaContext(functionName: string, remainingMs = 30_000): Context {
  const started = Date.now();
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-northeast-2:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/test/${functionName}`,
    logStreamName: '2026/11/23/[$LATEST]abcdef',
    getRemainingTimeInMillis: () => Math.max(0, remainingMs - (Date.now() - started)),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/** Records stdout/stderr without printing them; `restore()` when done. */
export function captureOutput(): { text: () => string; lines: () => Record<string, unknown>[]; restore: () => void } {
  const chunks: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    jest.spyOn(stream, 'write').mockImplementation((chunk: string | Uint8Array) => {
      chunks.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return true;
    }),
  );
  return {
    text: () => chunks.join(''),
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
    restore: () => spies.forEach((spy) => spy.mockRestore()),
  };
}

/** Runs `work` with stdout/stderr captured; the output stays readable after the capture ends. */
export async function capturing<T>(
  work: () => Promise<T>,
): Promise<{ result: T; output: ReturnType<typeof captureOutput> }> {
  const output = captureOutput();
  try {
    return { result: await work(), output };
  } finally {
    output.restore();
  }
}
