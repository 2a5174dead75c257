import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodePrinter } from './nodes.js';

const now = new Date('2024-05-01T12:00:00Z');

function node(labels: Record<string, string>, conditions: any[], extra: any = {}): any {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'cp-1', labels, creationTimestamp: '2024-04-20T12:00:00Z' },
    spec: extra.spec ?? {},
    status: {
      conditions,
      addresses: [{ type: 'Hostname', address: 'cp-1' }, { type: 'InternalIP', address: '172.18.0.2' }],
      nodeInfo: {
        kubeletVersion: 'v1.36.0', osImage: 'Debian GNU/Linux 12 (bookworm)', kernelVersion: '6.8.0-45-generic',
        containerRuntimeVersion: 'containerd://2.0.2',
      },
      ...extra.status,
    },
  };
}

const ready = [
  { type: 'MemoryPressure', status: 'False' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady' },
];

test('cordoned control-plane node', () => {
  const obj = node(
    { 'kubernetes.io/hostname': 'cp-1', 'node-role.kubernetes.io/control-plane': '' },
    ready,
    { spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] } },
  );
  assert.deepEqual(nodePrinter.cells(obj, now), [
    'cp-1', 'Ready,SchedulingDisabled', 'control-plane', '11d', 'v1.36.0',
    '172.18.0.2', '<none>', 'Debian GNU/Linux 12 (bookworm)', '6.8.0-45-generic', 'containerd://2.0.2',
  ]);
});

test('node status variants', () => {
  const cases: Array<[any[], boolean, string]> = [
    [[{ type: 'Ready', status: 'False' }], false, 'NotReady'],
    [[{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }], false, 'NotReady'],
    [[], false, 'Unknown'],
    [[], true, 'Unknown,SchedulingDisabled'],
    [[{ type: 'Ready', status: 'False' }, { type: 'Ready', status: 'True' }], false, 'Ready'],
  ];
  for (const [conditions, unschedulable, expected] of cases) {
    const obj = node({}, conditions, { spec: { unschedulable } });
    assert.equal(nodePrinter.cells(obj, now)[1], expected, JSON.stringify(conditions));
  }
});

test('node roles come from node-role labels and the legacy role label, sorted', () => {
  const obj = node(
    { 'node-role.kubernetes.io/worker': '', 'node-role.kubernetes.io/infra': 'true', 'node-role.kubernetes.io/': '', 'kubernetes.io/role': 'edge' },
    ready,
  );
  assert.equal(nodePrinter.cells(obj, now)[2], 'edge,infra,worker');
  assert.equal(nodePrinter.cells(node({ 'kubernetes.io/role': '' }, ready), now)[2], '<none>');
});

test('node wide cells: external IP and <unknown> system info', () => {
  const obj = node({}, ready, {
    status: { addresses: [{ type: 'ExternalIP', address: '198.51.100.4' }, { type: 'InternalIP', address: '10.0.0.4' }], nodeInfo: {} },
  });
  assert.deepEqual(nodePrinter.cells(obj, now).slice(4), ['', '10.0.0.4', '198.51.100.4', '<unknown>', '<unknown>', '<unknown>']);
});
