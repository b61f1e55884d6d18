// @ts-check
// Installed by the app launcher (run.js) before the app loads, and by the tests' setup. CDKTF
// records where every token and every nested-block reference was created (`creationStack`, quoted
// only in the message of a token error) by capturing an unlimited stack trace into a plain
// `{ stack: '' }` object: a fifth of `npm run synth`'s CPU (help/performance.md, "Synth where the
// user waits"). Such captures are skipped, so those objects keep an empty creation stack; the
// synthesized JSON does not change, and every Error still gets its stack trace.
// TOKEN_CREATION_STACKS=on keeps the captures (a token error then says where the token was made).
'use strict';

const ORIGINAL = Symbol.for('token-stacks-off.original');

/** @typedef {ErrorConstructor & { [ORIGINAL]?: PropertyDescriptor }} Marked */

/** Puts Node's own Error.captureStackTrace back (a no-op when the captures were not skipped). */
function restoreTokenCreationStacks() {
  const error = /** @type {Marked} */ (Error);
  const original = error[ORIGINAL];
  if (!original) return;
  Object.defineProperty(Error, 'captureStackTrace', original);
  delete error[ORIGINAL];
}

/**
 * Skips CDKTF's creation-stack captures unless `env` has TOKEN_CREATION_STACKS=on; returns the undo.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {() => void}
 */
function skipTokenCreationStacks(env = process.env) {
  if (env.TOKEN_CREATION_STACKS === 'on') return () => undefined;
  restoreTokenCreationStacks();
  const error = /** @type {Marked} */ (Error);
  error[ORIGINAL] = /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(Error, 'captureStackTrace'));
  const capture = Error.captureStackTrace.bind(Error);
  Error.captureStackTrace = function captureStackTrace(target, constructorOpt) {
    if (!(target instanceof Error) && /** @type {{ stack?: unknown }} */ (target).stack === '') return;
    capture(target, constructorOpt);
  };
  return restoreTokenCreationStacks;
}

module.exports = { skipTokenCreationStacks, restoreTokenCreationStacks };
