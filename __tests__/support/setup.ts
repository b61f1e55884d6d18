// Every test file's setup. CDKTF's jest matchers (toHaveResourceWithProperties, ...) are installed by
// the files that use them (Testing.setupJest()), so that a function test does not load cdktf.
import { setFlagsFromString } from 'node:v8';
import { skipTokenCreationStacks } from '../../scripts/app-bundle/token-stacks-off';

// As the app launcher runs the app (scripts/app-bundle/token-stacks-off.js): synth without CDKTF's
// token creation stacks.
skipTokenCreationStacks();

// Node's fetch parses HTTP with a WebAssembly module that V8 recompiles in the background once it is
// hot; a worker that used fetch then stayed alive for most of a second after its last test (0.8 s
// in a plain Node process), longer than jest grants a worker to exit (500 ms), so the run ended with
// "A worker process has failed to exit gracefully". The baseline compiler alone leaves nothing behind.
setFlagsFromString('--liftoff-only');
