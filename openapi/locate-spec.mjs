// Finds the Kubernetes OpenAPI v2 document and the protobuf schemas without ever committing
// a copy of them. Order for the spec: $KUBEMU_OPENAPI_SPEC, openapi/swagger.json in the
// checkout, ../shared/openapi/swagger.json beside the checkout. Order for the protobuf schemas:
// $KUBEMU_PROTO_DIR, proto/ in the checkout, ../shared/proto beside the checkout.
// This file is plain ESM so that the build script can use it before TypeScript has run;
// tsc copies it to dist/openapi/ for the compiled server.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout root: the nearest folder above this file whose package.json is kubemu's. */
export function checkoutRoot() {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && JSON.parse(readFileSync(pkg, 'utf8')).name === 'kubemu') return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the kubemu checkout root');
    dir = parent;
  }
}

function firstExisting(what, candidates, hint) {
  const found = candidates.find((p) => existsSync(p));
  if (!found) throw new Error(`${what} not found; looked in: ${candidates.join(', ')}. ${hint}`);
  return found;
}

export function locateSpec(root = checkoutRoot()) {
  const candidates = [];
  if (process.env.KUBEMU_OPENAPI_SPEC) candidates.push(resolve(process.env.KUBEMU_OPENAPI_SPEC));
  candidates.push(join(root, 'openapi', 'swagger.json'), resolve(root, '..', 'shared', 'openapi', 'swagger.json'));
  return firstExisting('Kubernetes OpenAPI spec', candidates, 'Run `node openapi/download-spec.mjs` or set KUBEMU_OPENAPI_SPEC.');
}

export function locateProtoDir(root = checkoutRoot()) {
  const candidates = [];
  if (process.env.KUBEMU_PROTO_DIR) candidates.push(resolve(process.env.KUBEMU_PROTO_DIR));
  candidates.push(join(root, 'proto'), resolve(root, '..', 'shared', 'proto'));
  return firstExisting(
    'Kubernetes protobuf schemas',
    candidates.map((c) => c),
    'Run `node openapi/download-spec.mjs` or set KUBEMU_PROTO_DIR.',
  );
}
