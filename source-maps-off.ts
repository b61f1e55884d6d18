// Imported first by main.ts: turns Node's source maps off before cdktf and the provider classes load.
// tsx turns them on, and then every module's inline source map is parsed at load and every stack
// trace CDKTF captures for a token is mapped through them (about a tenth of synth's CPU at 20
// services, a third at 500). main.ts turns them back on before a bug's stack trace is printed.
process.setSourceMapsEnabled(false);
