// `parse` from @cdktf/hcl2json, whose Go (WebAssembly) runtime keeps a timer of about a second armed
// after a parse has resolved (wasm_exec.js `scheduleTimeoutEvent`). Nothing waits on it, but it kept
// the jest worker alive past the 500 ms jest allows at the end of a run ("A worker process has failed
// to exit gracefully"). Those timers, and only those, are unref'd: they still fire while the worker runs.
const setTimer = globalThis.setTimeout;
const RUNTIME_TIMER = 'this._resume()';

globalThis.setTimeout = ((callback: (...args: unknown[]) => void, ms?: number, ...args: unknown[]) => {
  const timer = setTimer(callback, ms, ...args);
  if (typeof callback === 'function' && callback.toString().includes(RUNTIME_TIMER)) timer.unref();
  return timer;
}) as typeof setTimeout;

export { parse } from '@cdktf/hcl2json';
