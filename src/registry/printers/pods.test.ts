import { test } from 'node:test';
import assert from 'node:assert/strict';
import { podPrinter } from './pods.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

function pod(spec: any, status: any, metadata: any = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: ago(5), ...metadata },
    spec: { nodeName: 'node-1', containers: [{ name: 'app', image: 'nginx:1.27' }], ...spec },
    status,
  };
}

const running = (name: string, extra: any = {}) => ({
  name, ready: true, restartCount: 0, started: true, state: { running: { startedAt: ago(4) } }, ...extra,
});

const readyConditions = [
  { type: 'Initialized', status: 'True' },
  { type: 'Ready', status: 'True' },
  { type: 'ContainersReady', status: 'True' },
  { type: 'PodScheduled', status: 'True' },
];

// [name, pod, READY, STATUS, RESTARTS]
const statusCases: Array<[string, any, string, string, string]> = [
  [
    'waiting in ContainerCreating',
    pod({}, {
      phase: 'Pending',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
    }),
    '0/1', 'ContainerCreating', '0',
  ],
  [
    'running with a container restarted five minutes ago',
    pod({}, {
      phase: 'Running',
      conditions: readyConditions,
      containerStatuses: [running('app', {
        restartCount: 5,
        lastState: { terminated: { exitCode: 137, reason: 'OOMKilled', finishedAt: ago(5) } },
      })],
    }),
    '1/1', 'Running', '5 (5m ago)',
  ],
  [
    'crash looping',
    pod({}, {
      phase: 'Running',
      containerStatuses: [{
        name: 'app', ready: false, restartCount: 4,
        state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 1m20s restarting failed container' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(1.5) } },
      }],
    }),
    '0/1', 'CrashLoopBackOff', '4 (90s ago)',
  ],
  [
    'first of two init containers still running',
    pod({ initContainers: [{ name: 'migrate', image: 'tools' }, { name: 'seed', image: 'tools' }] }, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'False', reason: 'ContainersNotInitialized' }],
      initContainerStatuses: [
        { name: 'migrate', ready: false, restartCount: 0, state: { running: { startedAt: ago(1) } } },
        { name: 'seed', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } },
      ],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    }),
    '0/1', 'Init:0/2', '0',
  ],
  [
    'second init container running after the first completed',
    pod({ initContainers: [{ name: 'migrate' }, { name: 'seed' }] }, {
      phase: 'Pending',
      initContainerStatuses: [
        { name: 'migrate', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'seed', ready: false, restartCount: 0, state: { running: {} } },
      ],
    }),
    '0/1', 'Init:1/2', '0',
  ],
  [
    'init container crash looping',
    pod({ initContainers: [{ name: 'migrate' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{
        name: 'migrate', ready: false, restartCount: 3,
        state: { waiting: { reason: 'CrashLoopBackOff' } },
        lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2) } },
      }],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    }),
    '0/1', 'Init:CrashLoopBackOff', '3 (2m ago)',
  ],
  [
    'init container failed with a reason',
    pod({ initContainers: [{ name: 'migrate' }] }, {
      phase: 'Failed',
      initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 1, reason: 'Error' } } }],
    }),
    '0/1', 'Init:Error', '0',
  ],
  [
    'init container killed by a signal',
    pod({ initContainers: [{ name: 'migrate' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }],
    }),
    '0/1', 'Init:Signal:9', '0',
  ],
  [
    'init container exited non-zero without a reason',
    pod({ initContainers: [{ name: 'migrate' }] }, {
      phase: 'Pending',
      initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 2 } } }],
    }),
    '0/1', 'Init:ExitCode:2', '0',
  ],
  [
    'init containers done, app container starting',
    pod({ initContainers: [{ name: 'migrate' }] }, {
      phase: 'Pending',
      conditions: [{ type: 'Initialized', status: 'True' }],
      initContainerStatuses: [{ name: 'migrate', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
    }),
    '0/1', 'PodInitializing', '0',
  ],
  [
    'sidecar (restartable init container) running beside the app',
    pod({ initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] }, {
      phase: 'Running',
      conditions: readyConditions,
      initContainerStatuses: [running('proxy', {
        restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(3) } },
      })],
      containerStatuses: [running('app')],
    }),
    '2/2', 'Running', '1 (3m ago)',
  ],
  [
    'terminating',
    pod({}, { phase: 'Running', conditions: readyConditions, containerStatuses: [running('app')] }, {
      deletionTimestamp: ago(0.5), deletionGracePeriodSeconds: 30,
    }),
    '1/1', 'Terminating', '0',
  ],
  [
    'deleted on a lost node',
    pod({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] }, { deletionTimestamp: ago(1) }),
    '1/1', 'Unknown', '0',
  ],
  [
    'completed',
    pod({ restartPolicy: 'Never' }, {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }),
    '0/1', 'Completed', '0',
  ],
  [
    'completed pod being deleted stays Completed',
    pod({}, {
      phase: 'Succeeded',
      containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
    }, { deletionTimestamp: ago(0) }),
    '0/1', 'Completed', '0',
  ],
  [
    'one container completed, the other running but the pod not ready',
    pod({ containers: [{ name: 'job' }, { name: 'sidecar' }] }, {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'False' }],
      containerStatuses: [
        { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        running('sidecar'),
      ],
    }),
    '1/2', 'NotReady', '0',
  ],
  [
    'one container completed, the other running and the pod ready',
    pod({ containers: [{ name: 'job' }, { name: 'sidecar' }] }, {
      phase: 'Running',
      conditions: readyConditions,
      containerStatuses: [
        { name: 'job', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        running('sidecar'),
      ],
    }),
    '1/2', 'Running', '0',
  ],
  [
    'scheduling gated',
    pod({ nodeName: undefined, schedulingGates: [{ name: 'example.com/quota' }] }, {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }],
    }),
    '0/1', 'SchedulingGated', '0',
  ],
  [
    'evicted',
    pod({}, { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' }),
    '0/1', 'Evicted', '0',
  ],
  ['pending without any status yet', pod({}, undefined), '0/1', 'Pending', '0'],
];

for (const [name, obj, ready, status, restarts] of statusCases) {
  test(`pod ${name}: READY ${ready}, STATUS ${status}, RESTARTS ${restarts}`, () => {
    const cells = podPrinter.cells(obj, now);
    assert.deepEqual(cells.slice(0, 5), ['web', ready, status, restarts, '5m']);
  });
}

test('pod wide cells: IP, node, nominated node, readiness gates', () => {
  const obj = pod(
    { readinessGates: [{ conditionType: 'example.com/lb-registered' }, { conditionType: 'example.com/warm' }] },
    {
      phase: 'Running',
      podIP: '10.244.1.7',
      podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00::7' }],
      nominatedNodeName: 'node-2',
      conditions: [...readyConditions, { type: 'example.com/lb-registered', status: 'True' }, { type: 'example.com/warm', status: 'False' }],
      containerStatuses: [running('app')],
    },
  );
  assert.deepEqual(podPrinter.cells(obj, now), ['web', '1/1', 'Running', '0', '5m', '10.244.1.7', 'node-1', 'node-2', '1/2']);
});

test('pod wide cells say <none> when unscheduled, and fall back to podIP', () => {
  const unscheduled = pod({ nodeName: undefined }, { phase: 'Pending' });
  assert.deepEqual(podPrinter.cells(unscheduled, now).slice(5), ['<none>', '<none>', '<none>', '<none>']);
  const legacy = pod({}, { phase: 'Running', podIP: '10.0.0.3' });
  assert.equal(podPrinter.cells(legacy, now)[5], '10.0.0.3');
});

test('finished pods carry the Completed row condition', () => {
  assert.deepEqual(podPrinter.conditions!(pod({}, { phase: 'Succeeded' })), [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  assert.deepEqual(podPrinter.conditions!(pod({}, { phase: 'Failed' })), [
    { type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' },
  ]);
  assert.deepEqual(podPrinter.conditions!(pod({}, { phase: 'Running' })), []);
});

test('pod columns match the real printer', () => {
  assert.deepEqual(
    podPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0], ['Ready', 'string', 0], ['Status', 'string', 0], ['Restarts', 'string', 0],
      ['Age', 'string', 0], ['IP', 'string', 1], ['Node', 'string', 1], ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ],
  );
  assert.equal(podPrinter.columns[0]!.format, 'name');
});
