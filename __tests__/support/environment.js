// jest's Node environment, plus a fast exit for the worker process that loads it.
// A worker exits when jest ends it and its event loop is empty; Node then frees the whole heap before
// the process ends, which took ~0.5 s on a loaded 2-core machine, longer than jest waits (500 ms)
// before it kills the worker and reports "A worker process has failed to exit gracefully".
// process.exit() from the 'exit' event ends the process without that teardown (nothing is left to
// run by then: the event loop is empty).
const { TestEnvironment } = require('jest-environment-node');

process.once('exit', (code) => process.exit(code));

module.exports = TestEnvironment;
