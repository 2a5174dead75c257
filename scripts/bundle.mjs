// The last step of `npm run build`: bundles the compiled command line (dist/src/cli.js) with the
// modules it imports into dist/bundle/, for a quicker start (dist/src/main.js runs it; see there).
// Every `import()` stays a split point: what loads after the server is ready (controllers,
// resource handlers, protobuf …) becomes chunks of its own that load as late as before. Packages
// from node_modules stay outside, as they are. Without @rollup/wasm-node (a pure wasm build of
// rollup, no install script) the step is skipped and the server runs from dist/src/.
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outDir = join(root, 'dist', 'bundle');
// A bundle of an older compile must not outlive a build that could not make a new one.
rmSync(outDir, { recursive: true, force: true });

let rollup;
try {
  ({ rollup } = await import('@rollup/wasm-node'));
} catch (err) {
  if (err?.code !== 'ERR_MODULE_NOT_FOUND') throw err;
  process.stdout.write('bundle: @rollup/wasm-node is not installed: skipped, kubemu runs from dist/src/\n');
  process.exit(0);
}

const build = await rollup({
  input: join(root, 'dist', 'src', 'cli.js'),
  // Bare specifiers are node: built-ins and packages: loaded by Node at run time, not bundled.
  external: (id) => !id.startsWith('.') && !id.startsWith('/'),
  onwarn(warning, warn) {
    // Two known cycles inside the resource handlers (a handler and its subresources call each
    // other at request time, never while loading): harmless, as they are unbundled.
    if (warning.code === 'CIRCULAR_DEPENDENCY') return;
    warn(warning);
  },
});
// With source maps, `node --enable-source-maps` reports stack frames in the compiled modules of
// dist/src/ rather than in the bundle (Node reads them only with that flag: nothing at start).
await build.write({ dir: outDir, format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js', sourcemap: true });
await build.close();
process.stdout.write(`bundle: dist/bundle/ written\n`);
