import assert from 'node:assert/strict';
import { test } from 'node:test';
import { locateProtoDir } from '../spec-files.js';
import { createStructOrder, scanProtoFile } from './struct-order.js';

test('a generated.proto scan gives each message its fields in declaration order, with message types qualified', () => {
  const messages = scanProtoFile(
    [
      'syntax = "proto2";',
      'package k8s.io.api.demo.v1;',
      '// A comment with message Fake { in it',
      'message Thing {',
      '  // +optional',
      '  optional .k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta metadata = 1;',
      '',
      '  repeated Part parts = 7;',
      '',
      '  map<string, string> labels = 3;',
      '',
      '  optional int32 count = 2;',
      '}',
      '',
      'message Part {',
      '  optional k8s.io.api.core.v1.PodSpec spec = 1;',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(messages.get('k8s.io.api.demo.v1.Thing'), [
    { name: 'metadata', messageType: 'k8s.io.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    { name: 'parts', messageType: 'k8s.io.api.demo.v1.Part' },
    { name: 'labels', messageType: undefined },
    { name: 'count', messageType: undefined },
  ]);
  assert.deepEqual(messages.get('k8s.io.api.demo.v1.Part'), [{ name: 'spec', messageType: 'k8s.io.api.core.v1.PodSpec' }]);
});

test('the real files keep Go order where field numbers do not: PodSpec has initContainers (20) second', () => {
  const order = createStructOrder(locateProtoDir());
  const podSpec = order.fieldsOf('k8s.io.api.core.v1.PodSpec')!.map((f) => f.name);
  assert.deepEqual(podSpec.slice(0, 4), ['volumes', 'initContainers', 'containers', 'ephemeralContainers']);
  assert.equal(order.fieldsOf('k8s.io.api.core.v1.NoSuchMessage'), undefined);
  assert.equal(order.fieldsOf('io.example.Other'), undefined);
  assert.equal(createStructOrder(undefined).fieldsOf('k8s.io.api.core.v1.PodSpec'), undefined);
});
