// What answers inside a pod when kubectl port-forward connects to it: on a port some container
// declares, a tiny HTTP/1.1 server naming the pod and port (keep-alive aware); on any other port,
// the refusal containerd reports when nothing listens there.
import { createHash } from 'node:crypto';
import { Duplex } from 'node:stream';
import type { Clock } from '../machinery/clock.js';
import type { Pod } from '../machinery/api-types.js';
import { KubeletError } from '../machinery/node-connection.js';

export interface PortForwardResponderDeps {
  clock: Clock;
}

/** The ports the pod's containers declare (init and sidecar containers too). */
export function declaredPorts(pod: Pod): Set<number> {
  const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  return new Set(containers.flatMap((c) => (c.ports ?? []).map((p) => p.containerPort)));
}

/** The pod sandbox's id and network namespace as containerd names them (stable per pod uid). */
export function podSandbox(pod: Pod): { id: string; netns: string } {
  const id = createHash('sha256').update(`sandbox/${pod.metadata?.uid ?? pod.metadata?.name ?? ''}`).digest('hex');
  const h = createHash('sha256').update(`netns/${id}`).digest('hex');
  const uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
  return { id, netns: `/var/run/netns/cni-${uuid}` };
}

/**
 * A connection to `port` in the pod. Throws the kubelet's error text (written to the
 * port-forward error stream, kubectl prints it) when no container declares the port.
 */
export function openPodPort(pod: Pod, port: number, deps: PortForwardResponderDeps): Duplex {
  if (!declaredPorts(pod).has(port)) {
    const sandbox = podSandbox(pod);
    throw new KubeletError(
      500,
      `error forwarding port ${port} to pod ${sandbox.id}, uid : failed to execute portforward in network namespace "${sandbox.netns}": ` +
        `failed to connect to localhost:${port} inside namespace "${sandbox.id}", IPv4: dial tcp4 127.0.0.1:${port}: connect: connection refused ` +
        `IPv6 dial tcp6 [::1]:${port}: connect: connection refused `,
    );
  }
  return new PodHttpResponder(`kubemu: pod ${pod.metadata?.namespace ?? 'default'}/${pod.metadata?.name ?? ''} port ${port}\n`, deps.clock);
}

const maxHeaderBytes = 64 * 1024;

/** The server end of one connection: reads requests written to it, pushes responses. */
export class PodHttpResponder extends Duplex {
  private buffered = Buffer.alloc(0);
  /** Body bytes of the current request still to skip. */
  private bodyLeft = 0;
  private chunkedBody = false;
  private closing = false;
  private ended = false;

  constructor(
    private readonly body: string,
    private readonly clock: Clock,
  ) {
    super({ allowHalfOpen: true });
  }

  override _read(): void {}

  override _write(chunk: Buffer, _enc: BufferEncoding, callback: (error?: Error | null) => void): void {
    if (!this.closing) {
      this.buffered = Buffer.concat([this.buffered, chunk]);
      this.serve();
    }
    callback();
  }

  override _final(callback: (error?: Error | null) => void): void {
    // The client closed its side: nothing more will be asked.
    this.finishResponses();
    callback();
  }

  private serve(): void {
    for (;;) {
      if (this.closing) return;
      if (this.bodyLeft > 0) {
        const skip = Math.min(this.bodyLeft, this.buffered.length);
        this.buffered = this.buffered.subarray(skip);
        this.bodyLeft -= skip;
        if (this.bodyLeft > 0) return;
      }
      if (this.chunkedBody) {
        const end = this.buffered.indexOf('0\r\n\r\n');
        if (end < 0) return;
        this.buffered = this.buffered.subarray(end + 5);
        this.chunkedBody = false;
      }
      const headerEnd = this.buffered.indexOf('\r\n\r\n');
      if (headerEnd < 0) {
        if (this.buffered.length > maxHeaderBytes) this.respond(431, 'Request Header Fields Too Large', 'request headers too large\n', false, false);
        return;
      }
      const head = this.buffered.subarray(0, headerEnd).toString('latin1');
      this.buffered = this.buffered.subarray(headerEnd + 4);
      const [requestLine, ...headerLines] = head.split('\r\n');
      const match = /^([A-Z]+) (\S+) HTTP\/1\.([01])$/.exec(requestLine);
      if (!match) {
        this.respond(400, 'Bad Request', 'malformed HTTP request\n', false, false);
        return;
      }
      const headers = new Map<string, string>();
      for (const line of headerLines) {
        const colon = line.indexOf(':');
        if (colon > 0) headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
      }
      const connection = headers.get('connection')?.toLowerCase() ?? '';
      const keepAlive = match[3] === '1' ? !connection.includes('close') : connection.includes('keep-alive');
      this.bodyLeft = Number(headers.get('content-length') ?? 0) || 0;
      this.chunkedBody = headers.get('transfer-encoding')?.toLowerCase().includes('chunked') ?? false;
      this.respond(200, 'OK', this.body, keepAlive, match[1] === 'HEAD', match[3] === '0');
    }
  }

  private respond(code: number, reason: string, body: string, keepAlive: boolean, head: boolean, http10 = false): void {
    const date = new Date(this.clock.now()).toUTCString();
    const lines = [
      `HTTP/1.${http10 ? 0 : 1} ${code} ${reason}`,
      `Date: ${date}`,
      'Content-Type: text/plain; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      ...(keepAlive ? (http10 ? ['Connection: keep-alive'] : []) : ['Connection: close']),
    ];
    this.push(`${lines.join('\r\n')}\r\n\r\n${head ? '' : body}`);
    if (!keepAlive) {
      this.closing = true;
      this.finishResponses();
    }
  }

  private finishResponses(): void {
    if (this.ended) return;
    this.ended = true;
    this.closing = true;
    this.push(null);
  }
}
