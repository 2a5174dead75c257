// What the API server asks of a node's kubelet for the pods/log, pods/exec, pods/attach and
// pods/portforward subresources (kube-apiserver proxies these to the kubelet), and the network
// connections its proxy subresources open (to a pod's port, to a node's kubelet). The fake
// kubelets implement it in process; the HTTP layer speaks the client protocols (chunked text,
// WebSocket channels, SPDY, proxied HTTP) on top of it. Streams are Node streams.
import type { Duplex, Readable, Writable } from 'node:stream';

/** A failure the kubelet reports, with the HTTP code and text kube-apiserver passes on. */
export class KubeletError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly reason: 'BadRequest' | 'NotFound' | 'InternalError' | 'ServiceUnavailable' = code === 404 ? 'NotFound' : code >= 500 ? 'InternalError' : 'BadRequest',
  ) {
    super(message);
    this.name = 'KubeletError';
  }
}

export interface LogOptions {
  /** Already resolved by the API server (the only container, or the one named). */
  container: string;
  follow?: boolean;
  previous?: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC 3339. */
  sinceTime?: string;
  timestamps?: boolean;
  limitBytes?: number;
}

export interface ExecOptions {
  container: string;
  /** argv; empty for attach. */
  command: string[];
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

export interface TerminalSize {
  width: number;
  height: number;
}

export interface ContainerStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Terminal size changes (tty only). */
  resize?: Readable & AsyncIterable<TerminalSize>;
}

/** How an exec or attach ended: exit code 0 is Success, anything else NonZeroExitCode. */
export interface ExecOutcome {
  exitCode: number;
}

export interface NodeConnections {
  /** The log of a container; with follow, the stream stays open until the container stops or `signal` aborts. */
  logs(namespace: string, pod: string, opts: LogOptions, signal: AbortSignal): Promise<Readable>;
  exec(namespace: string, pod: string, opts: ExecOptions, streams: ContainerStreams, signal: AbortSignal): Promise<ExecOutcome>;
  attach(namespace: string, pod: string, opts: ExecOptions, streams: ContainerStreams, signal: AbortSignal): Promise<ExecOutcome>;
  /** A connection to `port` inside the pod (one per forwarded client connection). */
  portForward(namespace: string, pod: string, port: number, signal: AbortSignal): Promise<Duplex>;
  /** A connection to `port` on the node (its kubelet's HTTPS port); rejects when nothing listens there. */
  dialNode(node: string, port: number, signal: AbortSignal): Promise<Duplex>;
}

/**
 * Node connections that reach whatever `current` returns at the time of each call (the kubelets
 * once they run; `current` throws the refusal until then).
 */
export function connectionsThrough(current: () => NodeConnections): NodeConnections {
  return {
    logs: async (ns, pod, opts, signal) => current().logs(ns, pod, opts, signal),
    exec: async (ns, pod, opts, streams, signal) => current().exec(ns, pod, opts, streams, signal),
    attach: async (ns, pod, opts, streams, signal) => current().attach(ns, pod, opts, streams, signal),
    portForward: async (ns, pod, port, signal) => current().portForward(ns, pod, port, signal),
    dialNode: async (node, port, signal) => current().dialNode(node, port, signal),
  };
}
