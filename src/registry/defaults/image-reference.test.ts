import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPullPolicy, imageTag } from './image-reference.js';

const digest = 'sha256:' + 'a'.repeat(64);

// image, the tag ParseImageName yields ('' for digest-only or unparsable references).
const table: [string, string][] = [
  ['nginx', 'latest'],
  ['nginx:latest', 'latest'],
  ['nginx:1.27', '1.27'],
  ['library/nginx:1.27-alpine', '1.27-alpine'],
  ['registry.k8s.io/pause:3.10', '3.10'],
  ['registry.k8s.io/pause', 'latest'],
  ['localhost:5000/app', 'latest'],
  ['localhost:5000/app:v2', 'v2'],
  ['localhost/app:dev', 'dev'],
  ['[::1]:5000/app:v1', 'v1'],
  ['ghcr.io/org/team/app:sha-abc', 'sha-abc'],
  [`nginx@${digest}`, ''],
  [`nginx:latest@${digest}`, 'latest'],
  [`nginx:1.0@${digest}`, '1.0'],
  // Unparsable references: the pull policy falls back to IfNotPresent.
  ['', ''],
  ['NGINX', ''],
  ['docker.io/Nginx', ''],
  // Upper case is allowed in the registry host only.
  ['Registry.example/app', 'latest'],
  ['nginx:', ''],
  ['nginx@sha256:abc', ''],
  [`nginx@md5:${'a'.repeat(32)}`, ''],
  ['a'.repeat(64), ''],
  ['nginx::1', ''],
];

for (const [image, tag] of table) {
  test(`image ${JSON.stringify(image)} has tag ${JSON.stringify(tag)}`, () => {
    assert.equal(imageTag(image), tag);
  });
}

test('only :latest, written or implied, pulls Always', () => {
  assert.equal(defaultPullPolicy('busybox'), 'Always');
  assert.equal(defaultPullPolicy('busybox:latest'), 'Always');
  assert.equal(defaultPullPolicy('busybox:1.36'), 'IfNotPresent');
  assert.equal(defaultPullPolicy(`busybox@${digest}`), 'IfNotPresent');
  assert.equal(defaultPullPolicy(undefined), 'IfNotPresent');
  assert.equal(defaultPullPolicy('Busybox'), 'IfNotPresent');
});
