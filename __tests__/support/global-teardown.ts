// Jest global teardown: removes the run's temporary folder (global-setup.ts), which holds the
// shared terraform init and CLI config too.
import { removeRunTmpdir } from './run-tmpdir';

export default function teardown(): void {
  removeRunTmpdir();
}
