// --insecure-http serves plain HTTP and writes a kubeconfig without TLS material; kubectl then
// sends no credentials at all, which kubemu accepts.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir } from './harness.js';

const work = tempDir('kubemu-http-');
after(() => removeDir(work));

test('kubectl works against --insecure-http', async () => {
  const server = await startKubemu({ dataDir: work, extraArgs: ['--insecure-http', '--storage', 'memory'] });
  try {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const kubeconfig = readFileSync(server.kubeconfig, 'utf8');
    assert.doesNotMatch(kubeconfig, /certificate-authority-data|client-key-data/);
    const k = kubectlFor(kubectlVersionsUnderTest().at(-1)!, server.kubeconfig, join(work, 'cache'));
    assert.match(await k.ok(['get', 'namespaces']), /^default\s+Active/m);
    assert.match(await k.ok(['create', 'configmap', 'plain', '--from-literal=a=b']), /configmap\/plain created/);
  } finally {
    assert.equal(await server.stop(), 0);
  }
});
