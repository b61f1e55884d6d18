// jest's Node environment, plus a fast exit for a jest-worker child process that loads it.
// A worker exits when jest ends it and its event loop is empty; Node then frees the whole heap before
// the process ends, which took ~0.5 s on a loaded 2-core machine, longer than jest waits (500 ms)
// before it kills the worker and reports "A worker process has failed to exit gracefully".
// process.exit() from the 'exit' event ends the process without that teardown.
// Only in a worker child: in jest's own process (one test file, -i, --runInBand) this listener
// would run before jest's, which sets the failing exit code, and end the run with exit 0.
const { TestEnvironment } = require('jest-environment-node');

const inWorkerChild =
  typeof process.send === 'function' && /jest-worker[\\/]build[\\/]workers[\\/]/.test(require.main?.filename ?? '');
if (inWorkerChild) process.once('exit', (code) => process.exit(code));

module.exports = TestEnvironment;
