// `kubemu serve` refuses bad flags before it starts anything: a one-line message naming the flag
// and exit status 1, nothing written.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { mainScript, removeDir, tempDir } from './harness.js';

const work = tempDir('kubemu-cli-');
after(() => removeDir(work));

function serve(args: string[]): Promise<{ code: number; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [mainScript, 'serve', '--data-dir', join(work, 'data'), '--kubeconfig', join(work, 'kubeconfig'), ...args], (error, _stdout, stderr) => {
      resolve({ code: error ? Number(error.code) : 0, stderr: String(stderr) });
    });
  });
}

for (const [args, message] of [
  [['--port', '70000'], '--port must be a port number, got "70000"'],
  [['--storage', 'etcd'], '--storage must be "level" or "memory", got "etcd"'],
  [['--advertise-address', 'my-host'], '--advertise-address must be an IP address, got "my-host"'],
  [['--max-requests-inflight', '1.5'], '--max-requests-inflight must be a whole number (0: no limit), got "1.5"'],
  [['--max-mutating-requests-inflight', 'many'], '--max-mutating-requests-inflight must be a whole number (0: no limit), got "many"'],
  [['--request-timeout', '60'], '--request-timeout must be a positive duration such as 1m0s or 30s, got "60"'],
  [['--audit-policy-file', '/nonexistent/policy.yaml'], "--audit-policy-file /nonexistent/policy.yaml: ENOENT: no such file or directory, open '/nonexistent/policy.yaml'"],
] as const) {
  test(`kubemu serve ${args.join(' ')} is refused`, async () => {
    const { code, stderr } = await serve([...args]);
    assert.equal(code, 1);
    assert.match(stderr, new RegExp(`^kubemu: ${message.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`, 'm'));
    assert.equal(existsSync(join(work, 'kubeconfig')), false);
    assert.equal(existsSync(join(work, 'data')), false);
  });
}
