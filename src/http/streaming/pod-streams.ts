// The streaming subresources of pods — log, exec, attach, portforward — as kube-apiserver serves
// them: its own checks (pod-target.ts), then the pod's kubelet through NodeConnections. Without
// kubelets the answer is what a real server gives for a node whose kubelet does not answer.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, badRequest } from '../../apierrors/index.js';
import type { Clock } from '../../machinery/clock.js';
import { KubeletError, type ExecOptions, type NodeConnections } from '../../machinery/node-connection.js';
import { parseBool, type Query } from '../query.js';
import { requestUser } from '../authentication.js';
import { setWarnings } from '../responses.js';
import type { KubeObject } from '../../machinery/object.js';
import { parsePodLogOptions, sendLogStream } from './logs.js';
import { assignedNode, getPod, kubeletUnreachable, requireNode, resolveContainer, type PodLookupDeps } from './pod-target.js';
import { servePortForward, type PortForwardHooks } from './port-forward.js';
import { serveRemoteCommand, type RemoteCommandDeps } from './remote-command.js';

export interface PodStreamDeps extends PodLookupDeps {
  clock: Clock;
  nodeConnections?: NodeConnections;
  /** Protocol timings and test hooks (defaults suit real clients). */
  streaming?: Omit<RemoteCommandDeps, 'clock'> & PortForwardHooks;
}

export async function servePodStream(
  req: IncomingMessage,
  res: ServerResponse,
  subresource: string,
  namespace: string,
  name: string,
  query: Query,
  deps: PodStreamDeps,
): Promise<void> {
  switch (subresource) {
    case 'log':
      return serveLog(res, namespace, name, query, deps);
    case 'exec':
    case 'attach':
      return serveExecOrAttach(req, res, subresource, namespace, name, query, deps);
    case 'portforward':
      return serveForward(req, res, namespace, name, query, deps);
  }
  throw new Error(`pods/${subresource} is not a streaming subresource`);
}

async function serveLog(res: ServerResponse, namespace: string, name: string, query: Query, deps: PodStreamDeps): Promise<void> {
  const opts = parsePodLogOptions(query, name);
  const pod = await getPod(deps, namespace, name);
  const container = resolveContainer(pod, opts.container);
  const node = assignedNode(pod);
  if (!node) {
    // No kubelet to ask yet: kube-apiserver's LocationStreamer has nothing to stream.
    res.statusCode = 204;
    res.end();
    return;
  }
  const connections = deps.nodeConnections;
  if (!connections) throw await kubeletUnreachable(deps, node, 'request', `containerLogs/${namespace}/${name}/${container}${kubeletLogQuery(query)}`);
  const abort = new AbortController();
  const { stream: _stream, container: _container, ...rest } = opts;
  let log;
  try {
    log = await connections.logs(namespace, name, { ...rest, container }, abort.signal);
  } catch (err) {
    abort.abort();
    throw kubeletFailure(err);
  }
  await sendLogStream(res, log, abort, opts.limitBytes);
}

async function serveExecOrAttach(
  req: IncomingMessage,
  res: ServerResponse,
  kind: 'exec' | 'attach',
  namespace: string,
  name: string,
  query: Query,
  deps: PodStreamDeps,
): Promise<void> {
  const tty = parseBool(query, 'tty') === true;
  const requested = {
    stdin: parseBool(query, 'stdin') === true,
    stdout: parseBool(query, 'stdout') === true,
    // The kubelet drops stderr under a tty: a terminal has one output.
    stderr: parseBool(query, 'stderr') === true && !tty,
  };
  const command = kind === 'exec' ? query.getAll('command') : [];
  // kube-apiserver admits a CONNECT before its storage looks at the pod: the options as asked.
  const asked = query.get('container') ?? '';
  const optionsObject =
    kind === 'exec'
      ? { kind: 'PodExecOptions', apiVersion: 'v1', stdin: requested.stdin, stdout: requested.stdout, stderr: requested.stderr, tty, container: asked, command }
      : { kind: 'PodAttachOptions', apiVersion: 'v1', stdin: requested.stdin, stdout: requested.stdout, stderr: requested.stderr, tty, container: asked };
  await admitConnect(req, res, kind, namespace, name, optionsObject, deps);
  const pod = await getPod(deps, namespace, name);
  const container = resolveContainer(pod, query.get('container') ?? undefined);
  const node = requireNode(pod);
  if (!requested.stdin && !requested.stdout && !requested.stderr) throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  const connections = deps.nodeConnections;
  if (!connections) throw await kubeletUnreachable(deps, node, 'upgrade', `${kind}/${namespace}/${name}/${container}`);
  const options: ExecOptions = { container, command, tty, ...requested };
  await serveRemoteCommand(
    req,
    res,
    {
      kind,
      options,
      run: (streams, signal) =>
        kind === 'exec' ? connections.exec(namespace, name, options, streams, signal) : connections.attach(namespace, name, options, streams, signal),
    },
    { clock: deps.clock, ...deps.streaming },
  );
}

/** Admission webhooks for the CONNECT, before the kubelet is reached; their warnings go out with the answer. */
async function admitConnect(req: IncomingMessage, res: ServerResponse, subresource: string, namespace: string, name: string, options: KubeObject, deps: PodStreamDeps): Promise<void> {
  const warnings: string[] = [];
  await deps.registry.admitConnect({ subresource, namespace, name, options, user: requestUser(req), warnings });
  if (warnings.length) setWarnings(res, warnings);
}

async function serveForward(req: IncomingMessage, res: ServerResponse, namespace: string, name: string, query: Query, deps: PodStreamDeps): Promise<void> {
  const ports = query.getAll('ports').flatMap((p) => p.split(',')).filter(Boolean).map(Number);
  await admitConnect(req, res, 'portforward', namespace, name, { kind: 'PodPortForwardOptions', apiVersion: 'v1', ...(ports.length ? { ports } : {}) }, deps);
  const pod = await getPod(deps, namespace, name);
  const node = requireNode(pod);
  const connections = deps.nodeConnections;
  if (!connections) throw await kubeletUnreachable(deps, node, 'upgrade', `portForward/${namespace}/${name}`);
  await servePortForward(req, res, { open: (port, signal) => connections.portForward(namespace, name, port, signal) }, deps.streaming);
}

/** A kubelet's refusal, as kube-apiserver passes it on. */
function kubeletFailure(err: unknown): unknown {
  if (err instanceof KubeletError) return new ApiError(err.code, err.reason, err.message);
  return err;
}

function kubeletLogQuery(query: Query): string {
  const params = new URLSearchParams();
  for (const key of ['follow', 'previous', 'timestamps', 'sinceSeconds', 'sinceTime', 'tailLines', 'limitBytes']) {
    const v = query.get(key);
    if (v !== null) params.set(key, v);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}
