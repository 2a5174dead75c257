// An in-process kubemu for tests: the real app, registry and watch cache on the memory backend,
// with a fake clock. No socket unless a test listens itself.
import http, { type RequestListener } from 'node:http';
import { createApp, type AppDeps } from '../http/app.js';
import { versionInfo } from '../http/version.js';
import { FakeClock } from '../machinery/clock.js';
import { ServiceAccountKeys } from '../pki/service-account-keys.js';
import { Registry, type RegistryDeps } from '../registry/registry.js';
import { Catalogue } from '../schema/catalogue.js';
import { OpenApiDocuments } from '../schema/openapi-documents.js';
import { loadSpec, type LoadedSpec } from '../schema/openapi-spec.js';
import type { ProtobufCodec } from '../schema/protobuf/index.js';
import { lazyModule } from '../machinery/lazy-module.js';
import { locateProtoDir } from '../schema/spec-files.js';
import { openBackend } from '../storage/backends/index.js';
import type { Backend } from '../storage/types.js';

let sharedSpec: LoadedSpec | undefined;
/** The spec is read-only data: tests in one process share one parsed copy. */
export function testSpec(): LoadedSpec {
  return (sharedSpec ??= loadSpec());
}

export interface TestApp {
  /** The server's request listener (supertest takes it as an app). */
  app: RequestListener;
  registry: Registry;
  catalogue: Catalogue;
  clock: FakeClock;
  backend: Backend;
  stop(): Promise<void>;
}

export async function createTestApp(
  opts: {
    backend?: Backend;
    clock?: FakeClock;
    historyCapacity?: number;
    defaultTolerationSeconds?: number;
    random?: () => number;
    /** HTTP settings a test changes (in-flight limits, audit, watch buffers). */
    app?: Partial<Pick<AppDeps, 'inflightLimits' | 'requestTimeoutMs' | 'audit' | 'watchBufferBytes' | 'authentication' | 'notReady'>>;
    /** --authorization-mode (default RBAC). */
    authorizationModes?: RegistryDeps['authorizationModes'];
  } = {},
): Promise<TestApp> {
  const spec = testSpec();
  const catalogue = new Catalogue(spec.document);
  const backend = opts.backend ?? (await openBackend('memory:'));
  const clock = opts.clock ?? new FakeClock();
  let uid = 0;
  const registry = await Registry.open({
    backend,
    catalogue,
    spec: spec.document,
    clock,
    historyCapacity: opts.historyCapacity,
    authorizationModes: opts.authorizationModes,
    defaultTolerationSeconds: opts.defaultTolerationSeconds,
    random: opts.random,
    newUid: () => `00000000-0000-4000-8000-${String(++uid).padStart(12, '0')}`,
    // A key in memory, made on the first token asked for.
    tokenSigner: new ServiceAccountKeys(undefined),
  });
  const protobufModule = lazyModule(() => import('../schema/protobuf/index.js'));
  let codec: ProtobufCodec | undefined;
  const version = versionInfo('0.0.0-test', '2026-01-01T00:00:00Z');
  const { handle: app } = createApp({
    catalogue,
    registry,
    openapi: new OpenApiDocuments(spec, catalogue, version.gitVersion),
    clock,
    protobuf: () => (codec ??= protobufModule.get().createProtobufCodec(locateProtoDir())),
    loadProtobuf: () => protobufModule.load(),
    version,
    serverAddress: () => '127.0.0.1:6443',
    // Plain HTTP with no credentials, as --insecure-http serves it: the privileged system:unsecured.
    authentication: { insecure: true },
    ...opts.app,
  });
  return {
    app,
    registry,
    catalogue,
    clock,
    backend,
    async stop() {
      await registry.close();
      await backend.close();
    },
  };
}

/** The app on a real socket on 127.0.0.1 (tests of raw HTTP behaviour); close() also stops the app. */
export async function listenTestApp(t: TestApp): Promise<{ server: http.Server; port: number; close(): Promise<void> }> {
  const server = http.createServer(t.app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    server,
    port: (server.address() as { port: number }).port,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
      await t.stop();
    },
  };
}
