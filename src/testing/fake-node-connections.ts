// A stand-in for the fake kubelets' NodeConnections, for tests of the streaming subresources:
// it serves any pod that is bound to a node, from the API objects alone (no pod lifecycle), with
// the kubelet-side pieces the real kubelets use (container view, exec shell, port responder).
// It counts what is open, so tests can check that a client going away releases everything.
import { PassThrough, Readable, type Duplex } from 'node:stream';
import type { LocalClient } from '../client/local-client.js';
import type { Pod } from '../machinery/api-types.js';
import type { Clock } from '../machinery/clock.js';
import { KubeletError, type ContainerStreams, type ExecOptions, type LogOptions, type NodeConnections } from '../machinery/node-connection.js';
import { ContainerConfigError, containerView } from '../kubelet/container-view.js';
import { runInContainer } from '../kubelet/exec-shell.js';
import { openPodPort } from '../kubelet/port-forward-responder.js';
import { HttpResponder } from '../kubelet/http-responder.js';
import { kubeletAnswer, kubeletPort } from '../kubelet/kubelet-server.js';

export interface FakeNodeConnectionsOptions {
  client: LocalClient;
  clock: Clock;
  /** The log lines a container has written so far (default: three lines naming it). */
  logLines?: (pod: Pod, container: string) => string[];
  /** With follow, one more line this often (ms), until the client goes. */
  followEveryMs?: number;
}

export interface FakeNodeConnections extends NodeConnections {
  /** Log streams, exec/attach sessions and port connections still open. */
  open(): { logs: number; execs: number; ports: number };
  /** Calls seen, for assertions on what the API server passed on. */
  calls: { kind: 'logs' | 'exec' | 'attach' | 'portForward' | 'dialNode'; pod: string; options?: LogOptions | ExecOptions; port?: number }[];
}

export function createFakeNodeConnections(options: FakeNodeConnectionsOptions): FakeNodeConnections {
  const { client, clock } = options;
  const counts = { logs: 0, execs: 0, ports: 0 };
  const calls: FakeNodeConnections['calls'] = [];
  const pods = client.resource<Pod>('', 'v1', 'pods');
  const getPod = async (namespace: string, name: string): Promise<Pod> => {
    const pod = await pods.find(namespace, name);
    if (!pod) throw new KubeletError(404, `pod "${name}" not found`);
    return pod;
  };
  const lines = options.logLines ?? ((pod: Pod, container: string) => [1, 2, 3].map((n) => `${pod.metadata?.name} ${container} line ${n}`));

  const run = async (kind: 'exec' | 'attach', namespace: string, name: string, opts: ExecOptions, streams: ContainerStreams, signal: AbortSignal) => {
    calls.push({ kind, pod: `${namespace}/${name}`, options: opts });
    const pod = await getPod(namespace, name);
    counts.execs++;
    try {
      if (kind === 'attach') return await attach(streams, signal);
      let view;
      try {
        view = await containerView(pod, opts.container, client);
      } catch (err) {
        if (err instanceof ContainerConfigError) throw new KubeletError(400, `container ${opts.container} is not running: ${err.message}`);
        throw err;
      }
      return await runInContainer(opts.command, view, { ...streams, tty: opts.tty }, signal, { clock });
    } finally {
      counts.execs--;
    }
  };

  return {
    calls,
    open: () => ({ ...counts }),
    async logs(namespace, name, opts, signal) {
      calls.push({ kind: 'logs', pod: `${namespace}/${name}`, options: opts });
      const pod = await getPod(namespace, name);
      const written = lines(pod, opts.container);
      const stamp = () => `${new Date(clock.now()).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} `;
      const format = (line: string) => `${opts.timestamps ? stamp() : ''}${line}\n`;
      const shown = opts.tailLines !== undefined ? written.slice(Math.max(0, written.length - opts.tailLines)) : written;
      const out = new PassThrough();
      counts.logs++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        counts.logs--;
        timer?.cancel();
        out.end();
      };
      for (const line of shown) out.write(format(line));
      let timer: { cancel(): void } | undefined;
      let n = written.length;
      if (opts.follow) {
        const next = () => {
          out.write(format(`${name} ${opts.container} line ${++n}`));
          timer = clock.setTimer(options.followEveryMs ?? 1000, next);
        };
        timer = clock.setTimer(options.followEveryMs ?? 1000, next);
        signal.addEventListener('abort', release, { once: true });
        out.once('close', release);
      } else {
        release();
      }
      return out;
    },
    exec: (namespace, name, opts, streams, signal) => run('exec', namespace, name, opts, streams, signal),
    attach: (namespace, name, opts, streams, signal) => run('attach', namespace, name, opts, streams, signal),
    async portForward(namespace, name, port, signal) {
      calls.push({ kind: 'portForward', pod: `${namespace}/${name}`, port });
      const conn: Duplex = openPodPort(await getPod(namespace, name), port, { clock });
      counts.ports++;
      let released = false;
      const release = () => {
        if (released) return;
        released = true;
        counts.ports--;
        signal.removeEventListener('abort', onAbort);
      };
      const onAbort = () => conn.destroy();
      signal.addEventListener('abort', onAbort, { once: true });
      conn.once('close', release);
      return conn;
    },
    async dialNode(node, port) {
      calls.push({ kind: 'dialNode', pod: node, port });
      if (port !== kubeletPort) throw new KubeletError(503, 'connection refused', 'ServiceUnavailable');
      const onNode = (await pods.list(undefined, { fieldSelector: `spec.nodeName=${node}` })).items;
      return new HttpResponder((request) => kubeletAnswer(request, { pods: () => onNode }), clock);
    },
  };
}

/** Attach to a main process that echoes its stdin, until stdin ends or the client goes. */
async function attach(streams: ContainerStreams, signal: AbortSignal): Promise<{ exitCode: number }> {
  const stdin = streams.stdin ?? Readable.from([]);
  await new Promise<void>((resolve) => {
    const done = () => {
      signal.removeEventListener('abort', done);
      resolve();
    };
    stdin.on('data', (chunk: Buffer) => streams.stdout?.write(chunk));
    stdin.once('end', done);
    stdin.once('close', done);
    signal.addEventListener('abort', done, { once: true });
    if (!streams.stdin) done();
  });
  return { exitCode: 0 };
}
