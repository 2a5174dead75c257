import { test } from 'node:test';
import assert from 'node:assert/strict';
import { eventPrinter, eventsV1Printer } from './events.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (minutes: number) => new Date(now.getTime() - minutes * 60_000).toISOString();

test('core event repeated by the kubelet', () => {
  const event = {
    apiVersion: 'v1', kind: 'Event',
    metadata: { name: 'web-1.17c8a9', namespace: 'default', creationTimestamp: ago(30) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff', type: 'Warning', message: 'Back-off restarting failed container app\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(30), lastTimestamp: ago(2), count: 12,
  };
  assert.deepEqual(eventPrinter.cells(event, now), [
    '2m', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1',
    'Back-off restarting failed container app', '30m', 12, 'web-1.17c8a9',
  ]);
});

test('core event written by a new-style recorder: eventTime, series, reporting controller', () => {
  const event = {
    metadata: { name: 'web.17c', namespace: 'default' },
    involvedObject: { kind: 'Deployment', name: 'web' },
    reason: 'ScalingReplicaSet', type: 'Normal', message: 'Scaled up replica set web-5d4 to 3',
    eventTime: '2024-05-01T11:50:00.123456Z', reportingController: 'deployment-controller', reportingInstance: '',
    series: { count: 4, lastObservedTime: '2024-05-01T11:58:00.000000Z' },
  };
  assert.deepEqual(eventPrinter.cells(event, now), [
    '2m', 'Normal', 'ScalingReplicaSet', 'deployment/web', '', 'deployment-controller', 'Scaled up replica set web-5d4 to 3', '9m59s', 4, 'web.17c',
  ]);
});

test('an event about a kind without a name, with nothing timed, counts once', () => {
  const event = { metadata: { name: 'x' }, involvedObject: { kind: 'Node' }, type: 'Normal', reason: 'Starting' };
  assert.deepEqual(eventPrinter.cells(event, now), ['<unknown>', 'Normal', 'Starting', 'node', '', '', '', '<unknown>', 1, 'x']);
});

test('events.k8s.io/v1 events print through the same columns', () => {
  const event = {
    apiVersion: 'events.k8s.io/v1', kind: 'Event',
    metadata: { name: 'web-1.17d', namespace: 'default' },
    regarding: { kind: 'Pod', name: 'web-1', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled', type: 'Normal', note: 'Successfully pulled image "nginx:1.27"', action: 'Pulling',
    eventTime: ago(3), reportingController: 'kubelet', reportingInstance: 'node-1',
    deprecatedSource: { component: 'kubelet', host: 'node-1' },
    deprecatedFirstTimestamp: ago(10), deprecatedLastTimestamp: ago(1), deprecatedCount: 3,
  };
  assert.deepEqual(eventsV1Printer.cells(event, now), [
    '60s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Successfully pulled image "nginx:1.27"', '10m', 3, 'web-1.17d',
  ]);
  assert.deepEqual(eventsV1Printer.columns, eventPrinter.columns);
});

test('event columns: wide ones and the trailing Name', () => {
  assert.deepEqual(
    eventPrinter.columns.map((c) => [c.name, c.priority]),
    [['Last Seen', 0], ['Type', 0], ['Reason', 0], ['Object', 0], ['Subobject', 1], ['Source', 1], ['Message', 0], ['First Seen', 1], ['Count', 1], ['Name', 1]],
  );
});
