// Imported first by main.ts, with source-maps-off.ts. CDKTF records where every token and every
// nested-block reference was created (`creationStack`, quoted only in the message of a token error)
// by capturing an unlimited stack trace into a plain `{ stack: '' }` object: a third of the CPU of a
// 500-service synth. Such captures are skipped here, so those objects keep an empty creation stack;
// the synthesized JSON does not change, and every Error still gets its stack trace.
// TOKEN_CREATION_STACKS=on keeps the captures (a token error then says where the token was made).

/** Skips CDKTF's creation-stack captures unless `env` has TOKEN_CREATION_STACKS=on; returns the undo. */
export function skipTokenCreationStacks(env: NodeJS.ProcessEnv = process.env): () => void {
  const original = Object.getOwnPropertyDescriptor(Error, 'captureStackTrace')!;
  if (env.TOKEN_CREATION_STACKS === 'on') return () => undefined;
  const capture = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = function captureStackTrace(...args: Parameters<typeof capture>): void {
    const [target] = args;
    if (!(target instanceof Error) && (target as { stack?: unknown }).stack === '') return;
    capture(...args);
  };
  return () => Object.defineProperty(Error, 'captureStackTrace', original);
}

export const restoreTokenCreationStacks = skipTokenCreationStacks();
