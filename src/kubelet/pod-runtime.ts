// One pod as a fake kubelet runs it: the sandbox, then the init containers one by one, then the
// app containers, each pulling its image, starting, doing what its command says (command-
// simulation.ts), exiting, and restarting with CrashLoopBackOff as the restart policy asks. The
// state advances on the injected clock (`advance(now)`) and reports when it next changes
// (`nextWakeAt`); kubelet-status.ts turns it into the PodStatus a real kubelet reports.
import type { Container, Pod } from '../machinery/api-types.js';
import { simulateContainer, type ContainerScript } from './command-simulation.js';
import { LogBuffer } from './log-buffer.js';

export type ContainerKind = 'init' | 'app';

export interface Terminated {
  exitCode: number;
  reason: string;
  message?: string;
  startedAt: number;
  finishedAt: number;
  containerID: string;
}

export interface ContainerRun {
  spec: Container;
  kind: ContainerKind;
  /** An init container with restartPolicy Always: a sidecar that keeps running beside the app. */
  sidecar: boolean;
  state: 'waiting' | 'running' | 'terminated';
  waitingReason: string;
  waitingMessage?: string;
  imagePulled: boolean;
  pullFailures: number;
  containerID?: string;
  startedAt?: number;
  terminated?: Terminated;
  lastTerminated?: Terminated;
  restartCount: number;
  /** Exited and to be started again (after its back-off): restartCount goes up when it does. */
  restartPending: boolean;
  /** No pull retry before this time. */
  pullBackoffUntil?: number;
  /** When ErrImagePull turns into ImagePullBackOff (the kubelet's next sync). */
  pullBackoffShownAt?: number;
  /** No restart before this time (CrashLoopBackOff). */
  restartBackoffUntil?: number;
  /** The kubelet's per-container back-off: 10 s, doubled per restart up to 5 min. */
  backoffMs?: number;
  backoffUpdatedAt?: number;
  script?: ContainerScript;
  step: number;
  /** When the running script's current sleep ends. */
  stepDueAt?: number;
  /** When the last sleep of the running script ended (the time later output is stamped with). */
  lastStepAt?: number;
  /** When a running container is killed (graceful deletion). */
  killAt?: number;
  logs?: LogBuffer;
  previousLogs?: LogBuffer;
}

export interface PodEvent {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** `spec.containers{app}`, or undefined for the pod itself. */
  fieldPath?: string;
}

/** What the kubelet knows that the pod runtime asks about. */
export interface RuntimeEnvironment {
  /** Delay before the sandbox is up (start delay plus jitter). */
  startDelayMs(): number;
  imageFails(image: string): boolean;
  imagePresent(image: string): boolean;
  markPulled(image: string): void;
  /** Volumes the pod cannot mount yet (a missing ConfigMap, Secret or claim): the FailedMount message, or undefined. */
  unmountable(pod: Pod): string | undefined;
  allocateIP(): string | undefined;
  emit(event: PodEvent): void;
  /** A stable id for a new container (containerd-style 64 hex digits). */
  newContainerID(seed: string): string;
  /** How long an image pull takes, for the Pulled event. */
  pullMs(image: string): number;
  imageSize(image: string): number;
}

const maxBackoffMs = 300_000;
const initialBackoffMs = 10_000;
/** A container stopped by the kubelet that does not ignore SIGTERM exits this soon. */
const stopMs = 100;

export class PodRuntime {
  readonly uid: string;
  readonly runs: ContainerRun[];
  acceptedAt?: number;
  sandboxDueAt?: number;
  sandboxReadyAt?: number;
  podIP?: string;
  /** The pod reached Succeeded or Failed: nothing restarts any more. */
  terminalPhase?: 'Succeeded' | 'Failed';
  private mountWarning?: { message: string; at: number };
  private deletionSeen = false;
  private deletionSeenAt?: number;

  constructor(pod: Pod) {
    this.uid = pod.metadata?.uid ?? '';
    const init = (pod.spec?.initContainers ?? []).map((c) => newRun(c, 'init', c.restartPolicy === 'Always'));
    const app = (pod.spec?.containers ?? []).map((c) => newRun(c, 'app', false));
    const waitingForInit = init.length > 0;
    for (const r of [...init, ...app]) r.waitingReason = r.kind === 'app' && waitingForInit ? 'PodInitializing' : r.kind === 'init' ? 'PodInitializing' : 'ContainerCreating';
    this.runs = [...init, ...app];
  }

  /**
   * A pod this kubelet ran before kubemu restarted: its containers pick up from the status it
   * reported (running ones go on from their start time; logs are what their commands print again).
   */
  static restore(pod: Pod, now: number): PodRuntime {
    const rt = new PodRuntime(pod);
    const status = pod.status ?? {};
    rt.acceptedAt = status.startTime ? Date.parse(status.startTime) : now;
    if (status.podIP || status.containerStatuses?.some((c) => c.state?.running || c.state?.terminated || c.lastState?.terminated)) {
      rt.sandboxReadyAt = rt.acceptedAt;
      rt.sandboxDueAt = rt.acceptedAt;
      rt.podIP = status.podIP;
    }
    if (status.phase === 'Succeeded' || status.phase === 'Failed') rt.terminalPhase = status.phase;
    const all = [...(status.initContainerStatuses ?? []), ...(status.containerStatuses ?? [])];
    for (const cs of all) {
      const run = rt.run(cs.name);
      if (!run) continue;
      run.restartCount = cs.restartCount ?? 0;
      run.imagePulled = !!cs.imageID;
      const lt = cs.lastState?.terminated;
      if (lt) run.lastTerminated = restoreTerminated(lt);
      if (cs.state?.running) {
        run.state = 'running';
        run.startedAt = Date.parse(cs.state.running.startedAt ?? '') || now;
        run.containerID = cs.containerID;
        run.script = simulateContainer(run.spec, () => new Date(run.startedAt!));
        run.logs = new LogBuffer();
      } else if (cs.state?.terminated) {
        run.state = 'terminated';
        run.terminated = restoreTerminated(cs.state.terminated);
        run.containerID = cs.containerID;
      } else if (cs.state?.waiting) {
        run.waitingReason = cs.state.waiting.reason ?? 'ContainerCreating';
        run.restartPending = !!lt;
      }
    }
    return rt;
  }

  initRuns(): ContainerRun[] {
    return this.runs.filter((r) => r.kind === 'init');
  }

  appRuns(): ContainerRun[] {
    return this.runs.filter((r) => r.kind === 'app');
  }

  run(name: string): ContainerRun | undefined {
    return this.runs.find((r) => r.spec.name === name);
  }

  /** All init containers done (sidecars started). */
  initialized(): boolean {
    return this.initRuns().every((r) => (r.sidecar ? r.state === 'running' || r.restartCount > 0 : r.state === 'terminated' && r.terminated?.exitCode === 0 && !this.willRestart(r)));
  }

  /** Moves the pod forward to `now`, emitting the events a kubelet would. */
  advance(pod: Pod, now: number, env: RuntimeEnvironment): void {
    this.acceptedAt ??= now;
    if (pod.metadata?.deletionTimestamp) {
      this.stopAll(pod, now, env);
      return;
    }
    if (this.terminalPhase) return;
    if (this.sandboxReadyAt === undefined) {
      const unmountable = env.unmountable(pod);
      if (unmountable) {
        // kubelet retries mounts every couple of minutes and says so each time.
        if (!this.mountWarning || this.mountWarning.message !== unmountable || now - this.mountWarning.at >= 120_000) {
          env.emit({ type: 'Warning', reason: 'FailedMount', message: unmountable });
          this.mountWarning = { message: unmountable, at: now };
        }
        return;
      }
      this.sandboxDueAt ??= now + env.startDelayMs();
      if (now < this.sandboxDueAt) return;
      this.sandboxReadyAt = this.sandboxDueAt;
      this.podIP = pod.spec?.hostNetwork ? undefined : env.allocateIP();
    }
    for (const run of this.initRuns()) {
      this.step(pod, run, now, env);
      if (run.sidecar) {
        if (run.state !== 'running' && run.restartCount === 0) return;
        continue;
      }
      if (run.state === 'terminated' && run.terminated?.exitCode === 0) continue;
      if (run.state === 'terminated' && !this.willRestart(run)) {
        this.terminalPhase = 'Failed';
        return;
      }
      return; // this init container has not completed yet
    }
    for (const run of this.appRuns()) this.step(pod, run, now, env);
    this.settlePhase(pod);
  }

  /** The earliest time after `now` anything changes by itself, or undefined. */
  nextWakeAt(pod: Pod, now: number): number | undefined {
    let next: number | undefined;
    const consider = (t: number | undefined) => {
      if (t !== undefined && t > now && (next === undefined || t < next)) next = t;
    };
    if (this.sandboxReadyAt === undefined) consider(this.sandboxDueAt);
    for (const r of this.runs) {
      consider(r.stepDueAt);
      consider(r.killAt);
      if (r.state === 'waiting') {
        consider(r.pullBackoffUntil);
        if (r.waitingReason === 'ErrImagePull') consider(r.pullBackoffShownAt);
        consider(r.restartBackoffUntil);
      }
      if (r.state === 'running' && r.startedAt !== undefined) {
        consider(readyAt(r));
        consider(startedAtProbe(r));
      }
    }
    return next;
  }

  // ---------- one container ----------

  private step(pod: Pod, run: ContainerRun, now: number, env: RuntimeEnvironment): void {
    for (let guard = 0; guard < 1000; guard++) {
      const before = `${run.state}/${run.step}/${run.restartCount}/${run.waitingReason}`;
      if (run.state === 'waiting') this.startOrWait(pod, run, now, env);
      if (run.state === 'running') this.runScript(run, now);
      if (run.state === 'terminated') this.maybeRestart(pod, run, now, env);
      if (`${run.state}/${run.step}/${run.restartCount}/${run.waitingReason}` === before) return;
    }
  }

  private startOrWait(pod: Pod, run: ContainerRun, now: number, env: RuntimeEnvironment): void {
    if (run.restartBackoffUntil !== undefined && now < run.restartBackoffUntil) return;
    if (run.pullBackoffUntil !== undefined && now < run.pullBackoffUntil) {
      if (run.waitingReason === 'ErrImagePull' && now >= (run.pullBackoffShownAt ?? 0)) {
        run.waitingReason = 'ImagePullBackOff';
        run.waitingMessage = `Back-off pulling image "${run.spec.image}": ErrImagePull: ${pullError(run.spec.image ?? '')}`;
        env.emit({ type: 'Normal', reason: 'BackOff', message: `Back-off pulling image "${run.spec.image}"`, fieldPath: fieldPath(run) });
        env.emit({ type: 'Warning', reason: 'Failed', message: 'Error: ImagePullBackOff', fieldPath: fieldPath(run) });
      }
      return;
    }
    const image = run.spec.image ?? '';
    if (!run.imagePulled) {
      const policy = run.spec.imagePullPolicy ?? 'IfNotPresent';
      if (policy !== 'Never' && (policy === 'Always' || !env.imagePresent(image) || env.imageFails(image))) {
        env.emit({ type: 'Normal', reason: 'Pulling', message: `Pulling image "${image}"`, fieldPath: fieldPath(run) });
        if (env.imageFails(image)) {
          run.pullFailures++;
          const message = pullError(image);
          env.emit({ type: 'Warning', reason: 'Failed', message: `Failed to pull image "${image}": ${message}`, fieldPath: fieldPath(run) });
          env.emit({ type: 'Warning', reason: 'Failed', message: 'Error: ErrImagePull', fieldPath: fieldPath(run) });
          run.waitingReason = 'ErrImagePull';
          run.waitingMessage = message;
          run.pullBackoffUntil = now + Math.min(maxBackoffMs, initialBackoffMs * 2 ** (run.pullFailures - 1));
          run.pullBackoffShownAt = now + 1000;
          return;
        }
        const ms = env.pullMs(image);
        env.emit({
          type: 'Normal',
          reason: 'Pulled',
          message: `Successfully pulled image "${image}" in ${goDuration(ms)} (${goDuration(ms)} including waiting). Image size: ${env.imageSize(image)} bytes.`,
          fieldPath: fieldPath(run),
        });
        env.markPulled(image);
      } else {
        env.emit({ type: 'Normal', reason: 'Pulled', message: `Container image "${image}" already present on machine`, fieldPath: fieldPath(run) });
      }
      run.imagePulled = true;
    }
    if (run.restartPending) {
      run.restartPending = false;
      run.restartCount++;
    }
    run.restartBackoffUntil = undefined;
    // Started: the container runs its command from now on.
    run.containerID = env.newContainerID(`${this.uid}/${run.spec.name}/${run.restartCount}`);
    run.state = 'running';
    run.waitingReason = '';
    run.waitingMessage = undefined;
    run.startedAt = now;
    run.step = 0;
    run.stepDueAt = undefined;
    run.lastStepAt = undefined;
    run.script = simulateContainer(run.spec, () => new Date(now));
    if (run.logs) run.previousLogs = run.logs;
    run.logs = new LogBuffer();
    env.emit({ type: 'Normal', reason: 'Created', message: `Created container: ${run.spec.name}`, fieldPath: fieldPath(run) });
    env.emit({ type: 'Normal', reason: 'Started', message: `Started container ${run.spec.name}`, fieldPath: fieldPath(run) });
  }

  private runScript(run: ContainerRun, now: number): void {
    const script = run.script!;
    let t = run.startedAt!;
    const loop = script.loop ?? [];
    for (;;) {
      // After the steps, the loop body repeats (step counts on past the end).
      const inLoop = run.step >= script.steps.length;
      if (inLoop && loop.length === 0) break;
      const s = inLoop ? loop[(run.step - script.steps.length) % loop.length]! : script.steps[run.step]!;
      if (s.kind === 'output') {
        run.logs!.append(run.stepDueAt ?? run.lastStepAt ?? t, s.text, s.stream);
        run.step++;
      } else if (s.kind === 'sleep') {
        run.stepDueAt ??= Math.max(run.lastStepAt ?? t, run.startedAt!) + s.ms;
        if (now < run.stepDueAt) return;
        t = run.stepDueAt;
        run.lastStepAt = run.stepDueAt;
        run.stepDueAt = undefined;
        run.step++;
      } else {
        this.terminate(run, s.code, run.lastStepAt ?? t);
        return;
      }
    }
    if (!script.runsForever) this.terminate(run, 0, run.lastStepAt ?? t);
  }

  private terminate(run: ContainerRun, exitCode: number, at: number, reason?: string): void {
    run.state = 'terminated';
    run.stepDueAt = undefined;
    run.killAt = undefined;
    run.terminated = {
      exitCode,
      reason: reason ?? (exitCode === 0 ? 'Completed' : 'Error'),
      startedAt: run.startedAt ?? at,
      finishedAt: at,
      containerID: run.containerID ?? '',
    };
    run.logs?.close();
  }

  willRestart(run: ContainerRun, pod?: { spec?: { restartPolicy?: string } }): boolean {
    if (this.terminalPhase) return false;
    const policy = run.sidecar ? 'Always' : (run.spec.restartPolicy ?? pod?.spec?.restartPolicy ?? this.podRestartPolicy);
    if (policy === 'Always') return true;
    if (policy === 'OnFailure') return (run.terminated?.exitCode ?? 0) !== 0;
    return false;
  }

  private podRestartPolicy = 'Always';

  // kubelet's back-off: the first restart is immediate; a container that exits again within its
  // back-off waits it out (CrashLoopBackOff), and each restart doubles it, up to 5 minutes.
  private maybeRestart(pod: Pod, run: ContainerRun, now: number, env: RuntimeEnvironment): void {
    this.podRestartPolicy = pod.spec?.restartPolicy ?? 'Always';
    if (!this.willRestart(run, pod) || pod.metadata?.deletionTimestamp) return;
    const term = run.terminated!;
    run.lastTerminated = term;
    run.terminated = undefined;
    run.state = 'waiting';
    run.restartPending = true;
    // An entry not updated for twice the longest back-off has expired: the container starts afresh.
    const expired = run.backoffUpdatedAt !== undefined && term.finishedAt - run.backoffUpdatedAt > 2 * maxBackoffMs;
    if (run.backoffMs !== undefined && !expired && now - term.finishedAt < run.backoffMs) {
      run.restartBackoffUntil = term.finishedAt + run.backoffMs;
      run.waitingReason = 'CrashLoopBackOff';
      run.waitingMessage = `back-off ${goDuration(run.backoffMs)} restarting failed container=${run.spec.name} pod=${pod.metadata?.name}_${pod.metadata?.namespace}(${this.uid})`;
      env.emit({
        type: 'Warning',
        reason: 'BackOff',
        message: `Back-off restarting failed container ${run.spec.name} in pod ${pod.metadata?.name}_${pod.metadata?.namespace}(${this.uid})`,
        fieldPath: fieldPath(run),
      });
    } else run.waitingReason = 'ContainerCreating';
    run.backoffMs = run.backoffMs === undefined || expired ? initialBackoffMs : Math.min(maxBackoffMs, run.backoffMs * 2);
    run.backoffUpdatedAt = term.finishedAt;
  }

  /** Succeeded or Failed once every container is done and none will restart. */
  private settlePhase(pod: Pod): void {
    const apps = this.appRuns();
    if (apps.length === 0) return;
    if (!apps.every((r) => r.state === 'terminated' && !this.willRestart(r, pod))) return;
    this.terminalPhase = apps.every((r) => r.terminated?.exitCode === 0) ? 'Succeeded' : 'Failed';
    // Sidecars are stopped once the app containers are done.
    for (const r of this.initRuns()) if (r.sidecar && r.state === 'running') this.terminate(r, 0, r.startedAt ?? 0);
  }

  // ---------- deletion ----------

  private stopAll(pod: Pod, now: number, env: RuntimeEnvironment): void {
    // The grace period runs from when the kubelet sees the deletion (deletionTimestamp has only whole seconds).
    this.deletionSeenAt ??= now;
    const deadline = this.deletionSeenAt + (pod.metadata?.deletionGracePeriodSeconds ?? 30) * 1000;
    if (!this.deletionSeen) {
      this.deletionSeen = true;
      for (const r of this.runs) {
        if (r.state !== 'running') continue;
        env.emit({ type: 'Normal', reason: 'Killing', message: `Stopping container ${r.spec.name}`, fieldPath: fieldPath(r) });
        // A process that ignores SIGTERM is killed when the grace period ends (exit 137).
        r.killAt = r.script?.ignoresSigterm ? deadline : Math.min(deadline, now + stopMs);
      }
    }
    for (const r of this.runs) {
      if (r.state === 'running' && r.killAt !== undefined && now >= r.killAt) {
        const killed = r.script?.ignoresSigterm;
        this.terminate(r, killed ? 137 : 0, r.killAt, killed ? 'Error' : 'Completed');
      }
      if (r.state === 'waiting') {
        r.pullBackoffUntil = undefined;
        r.restartBackoffUntil = undefined;
      }
    }
  }

  /** The main process of a running container ended by itself (an attached shell exited). */
  finishProcess(name: string, exitCode: number, at: number): boolean {
    const run = this.run(name);
    if (!run || run.state !== 'running') return false;
    this.terminate(run, exitCode, at);
    return true;
  }

  /** Every container has stopped: the kubelet may remove the pod object. */
  allStopped(): boolean {
    return this.runs.every((r) => r.state !== 'running');
  }
}

function newRun(spec: Container, kind: ContainerKind, sidecar: boolean): ContainerRun {
  return { spec, kind, sidecar, state: 'waiting', waitingReason: 'ContainerCreating', imagePulled: false, pullFailures: 0, restartCount: 0, restartPending: false, step: 0 };
}

export function fieldPath(run: ContainerRun): string {
  return `spec.${run.kind === 'init' ? 'initContainers' : 'containers'}{${run.spec.name}}`;
}

/** When a running container becomes ready: at once, or after its readiness probe's initial delay. */
export function readyAt(run: ContainerRun): number | undefined {
  if (run.startedAt === undefined) return undefined;
  const probe = run.spec.readinessProbe;
  const started = startedAtProbe(run) ?? run.startedAt;
  return Math.max(started, run.startedAt + (probe ? (probe.initialDelaySeconds ?? 0) * 1000 : 0));
}

/** When a startup probe first succeeds (undefined: no startup probe). */
export function startedAtProbe(run: ContainerRun): number | undefined {
  const probe = run.spec.startupProbe;
  if (!probe || run.startedAt === undefined) return undefined;
  return run.startedAt + (probe.initialDelaySeconds ?? 0) * 1000;
}

function pullError(image: string): string {
  const ref = normalizeImage(image);
  return `failed to pull and unpack image "${ref}": failed to resolve reference "${ref}": ${ref.split('/')[0]}/${ref.split('/').slice(1).join('/').split(':')[0]}: not found`;
}

/** docker.io/library/nginx:latest for "nginx": the image reference as containerd reports it. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf('/');
  const first = firstSlash < 0 ? '' : ref.slice(0, firstSlash);
  const hasRegistry = first.includes('.') || first.includes(':') || first === 'localhost';
  if (!hasRegistry) ref = `docker.io/${firstSlash < 0 ? `library/${ref}` : ref}`;
  const lastPart = ref.slice(ref.lastIndexOf('/') + 1);
  if (!lastPart.includes(':') && !lastPart.includes('@')) ref += ':latest';
  return ref;
}

/** Go's time.Duration formatting for the durations kubelet messages show (1.234s, 523ms, 5m0s). */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  if (ms < 60_000) return `${Number((ms / 1000).toFixed(3))}s`;
  const m = Math.floor(ms / 60_000);
  const s = Number(((ms % 60_000) / 1000).toFixed(3));
  return `${m}m${s}s`;
}

function restoreTerminated(t: { exitCode?: number; reason?: string; message?: string; startedAt?: string; finishedAt?: string; containerID?: string }): Terminated {
  return {
    exitCode: t.exitCode ?? 0,
    reason: t.reason ?? (t.exitCode ? 'Error' : 'Completed'),
    message: t.message,
    startedAt: Date.parse(t.startedAt ?? '') || 0,
    finishedAt: Date.parse(t.finishedAt ?? '') || 0,
    containerID: t.containerID ?? '',
  };
}
