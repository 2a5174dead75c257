// Pod listing and polling helpers for end-to-end tests, and a kubelet played with the real kubectl
// for tests that bring their own Node objects (`--nodes 0`, so no fake kubelet runs their pods):
// it marks pending pods Running and Ready through the status subresource, as upstream controller
// tests do.
import type { Kubectl } from './harness.js';

export interface PodView {
  metadata: { name: string; labels?: Record<string, string>; ownerReferences?: { kind: string; name: string }[]; deletionTimestamp?: string };
  spec: { nodeName?: string; hostname?: string; subdomain?: string; affinity?: unknown };
  status: { phase: string; conditions?: { type: string; status: string }[] };
}

export const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls until `check` returns a value (the real server works asynchronously). */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await pause(100);
  }
}

export class KubeletStandIn {
  /** `kubectl` must be 1.28 or newer (patch --subresource). */
  constructor(private readonly kubectl: Kubectl) {}

  async pods(ns: string, selector?: string): Promise<PodView[]> {
    const args = ['-n', ns, 'get', 'pods', '-o', 'json', ...(selector ? ['-l', selector] : [])];
    return (JSON.parse(await this.kubectl.ok(args)) as { items: PodView[] }).items;
  }

  /** What a kubelet would report for every pod still Pending: Running and Ready since now. */
  async readyPending(ns: string, selector?: string): Promise<number> {
    const pending = (await this.pods(ns, selector)).filter((p) => p.status.phase === 'Pending' && !p.metadata.deletionTimestamp);
    const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
    const status = { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now }] } };
    for (const p of pending) {
      await this.kubectl.run(['-n', ns, 'patch', 'pod', p.metadata.name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    }
    return pending.length;
  }

  /** Awaits a kubectl command that waits for pods (rollout status, wait), readying pods meanwhile. */
  async whileReadying<R>(ns: string, command: Promise<R>): Promise<R> {
    let done = false;
    const result = command.finally(() => (done = true));
    while (!done) {
      await this.readyPending(ns);
      await Promise.race([result, pause(150)]);
    }
    return result;
  }
}
