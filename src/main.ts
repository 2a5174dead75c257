#!/usr/bin/env -S node --max-semi-space-size=32
// kubemu's entry point (the bin, `npm start`, the image): runs the command line (cli.ts).
// Node runs it with a 32 MB young generation (the shebang, `npm start` and the image say so): a
// busy cluster makes short-lived objects at a rate the default 16 MB scavenges too often — 3,000
// pods reach Running about 20 % sooner.
//
// `npm run build` also writes the command line and everything it loads before serving as one
// file (dist/bundle/, scripts/bundle.mjs): Node's ESM loader resolves, reads and links each of
// our ~150 modules on its own, and one file instead saves ~50 ms of main-thread CPU per restart.
// The bundle is used only when it is newer than the last compile, so a `tsc` run without it falls
// back to the modules.
import { statSync } from 'node:fs';

const bundle = new URL('../bundle/cli.js', import.meta.url);

function bundleIsCurrent(): boolean {
  try {
    return statSync(bundle).mtimeMs >= statSync(new URL('../.tsbuildinfo', import.meta.url)).mtimeMs;
  } catch {
    return false;
  }
}

await import(bundleIsCurrent() ? bundle.href : './cli.js');
