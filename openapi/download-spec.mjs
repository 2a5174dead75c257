// For users outside the kubemu development environment: fetches the Kubernetes 1.36 OpenAPI
// spec into openapi/swagger.json and the protobuf schemas into proto/ (both ignored by git).
// Needs network access and the `tar` command.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync, cpSync, readdirSync, statSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, dirname } from 'node:path';
import { checkoutRoot } from './locate-spec.mjs';

const kubernetesTag = process.env.KUBEMU_KUBERNETES_TAG ?? 'v1.36.0';
const stagingTag = kubernetesTag.replace(/^v1\./, 'v0.');
const root = checkoutRoot();

async function fetchBuffer(url) {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`GET ${url}: ${res.status} ${res.statusText}`);
  return Buffer.from(await res.arrayBuffer());
}

async function extractRepo(repo, tag, into) {
  const work = mkdtempSync(join(tmpdir(), 'kubemu-proto-'));
  const archive = join(work, 'src.tar.gz');
  writeFileSync(archive, await fetchBuffer(`https://codeload.github.com/${repo}/tar.gz/refs/tags/${tag}`));
  execFileSync('tar', ['-xzf', archive, '-C', work]);
  const top = readdirSync(work).find((d) => d !== 'src.tar.gz');
  const walk = (dir, base) => {
    for (const entry of readdirSync(dir)) {
      const p = join(dir, entry);
      if (statSync(p).isDirectory()) walk(p, base);
      else if (entry === 'generated.proto' || entry === 'OpenAPIv2.proto') {
        const target = join(into, relative(base, p));
        mkdirSync(dirname(target), { recursive: true });
        cpSync(p, target);
      }
    }
  };
  walk(join(work, top), join(work, top));
  rmSync(work, { recursive: true, force: true });
}

const spec = await fetchBuffer(`https://raw.githubusercontent.com/kubernetes/kubernetes/${kubernetesTag}/api/openapi-spec/swagger.json`);
writeFileSync(join(root, 'openapi', 'swagger.json'), spec);
console.log(`wrote openapi/swagger.json (${kubernetesTag})`);

await extractRepo('kubernetes/api', stagingTag, join(root, 'proto', 'k8s.io', 'api'));
await extractRepo('kubernetes/apimachinery', stagingTag, join(root, 'proto', 'k8s.io', 'apimachinery'));
await extractRepo('google/gnostic-models', 'v0.7.0', join(root, 'proto'));
console.log('wrote proto/ (k8s.io/api, k8s.io/apimachinery, openapiv2)');
