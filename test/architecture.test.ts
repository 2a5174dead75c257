// The layering rules of style.md §6.1, checked on every import of every source file: storage never
// sees HTTP or kinds, HTTP never reaches storage, controllers (and the scheduler and kubelets) go
// through the client.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const src = join(root, 'src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const p = join(dir, entry);
    if (statSync(p).isDirectory()) return entry === 'generated' ? [] : sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') && !p.endsWith('.case.ts') ? [p] : [];
  });
}

/** The top-level folder of src/ a file or import target is in ("http", "registry", …; "" for src/*.ts). */
function layerOf(file: string): string {
  const rel = relative(src, file);
  return rel.includes('/') ? rel.split('/')[0] : '';
}

const allowed: Record<string, string[]> = {
  machinery: ['machinery', 'generated'],
  apierrors: ['apierrors', 'machinery'],
  storage: ['storage', 'machinery'],
  schema: ['schema', 'machinery', 'apierrors', 'generated'],
  registry: ['registry', 'storage', 'schema', 'apierrors', 'machinery', 'generated', 'webhooks'],
  // Outbound calls to admission and conversion webhooks: the registry's admission chain and
  // conversion use them; they know objects and Status errors, nothing of storage or HTTP serving.
  webhooks: ['webhooks', 'apierrors', 'machinery'],
  http: ['http', 'registry', 'schema', 'apierrors', 'machinery', 'generated'],
  client: ['client', 'registry', 'schema', 'apierrors', 'machinery'],
  controllers: ['controllers', 'client', 'machinery', 'apierrors'],
  // kube-scheduler and the kubelets are controllers of their own kind: same runtime, same client.
  scheduler: ['scheduler', 'controllers', 'client', 'machinery', 'apierrors'],
  kubelet: ['kubelet', 'controllers', 'client', 'machinery', 'apierrors'],
  pki: ['pki'],
  testing: ['testing', 'http', 'registry', 'schema', 'storage', 'machinery', 'apierrors', 'client', 'controllers', 'scheduler', 'kubelet', 'pki'],
};

test('every import follows the layering rules', () => {
  const violations: string[] = [];
  for (const file of sourceFiles(src)) {
    const layer = layerOf(file);
    if (layer === '') continue; // main.ts, cli.ts and server.ts compose everything
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:import|export)[^'"]*?from\s+'(\.[^']+)'|import\('(\.[^']+)'\)/g)) {
      const spec = m[1] ?? m[2];
      const target = resolve(dirname(file), spec);
      if (!target.startsWith(src)) continue; // openapi/ locator
      const targetLayer = layerOf(target);
      if (!(allowed[layer] ?? []).includes(targetLayer)) violations.push(`${relative(root, file)} imports ${spec} (${layer} → ${targetLayer})`);
    }
  }
  assert.deepEqual(violations, []);
});

test('only the composition root and tests know concrete storage backends', () => {
  const offenders = sourceFiles(src)
    .filter((f) => !['', 'storage', 'testing'].includes(layerOf(f)))
    .filter((f) => /storage\/backends\//.test(readFileSync(f, 'utf8')));
  assert.deepEqual(offenders.map((f) => relative(root, f)), []);
});
