// npm run synth [-- <cdktf synth options>]
// Checks the environment configs first and reports a mistake once, naming the file to fix; then
// runs `cdktf synth`. (Run by cdktf, the app's own report would be printed twice: once as the app
// says it, once more inside cdktf's "Command output on stderr".)
import { spawn } from 'node:child_process';
import { ConfigError, loadEnvironments } from '../environments';

function checkConfigs(): boolean {
  try {
    loadEnvironments();
    return true;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    return false;
  }
}

if (!checkConfigs()) {
  process.exitCode = 1;
} else {
  const child = spawn('npx', ['cdktf', 'synth', ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: { ...process.env, CHECKPOINT_DISABLE: '1' },
    shell: process.platform === 'win32',
  });
  child.on('exit', (code, signal) => {
    process.exitCode = code ?? (signal ? 128 : 1);
  });
}
