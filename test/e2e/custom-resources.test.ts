// CustomResourceDefinitions with the real kubectl: a CRD is served once Established, its custom
// resources print the CRD's columns, scale and take status writes, are validated against the
// schema, survive a restart, and go with the CRD.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { kubectlFor, kubectlVersionsUnderTest, removeDir, startKubemu, tempDir } from './harness.js';
import { eventually } from './kubelet-stand-in.js';

const work = tempDir('kubemu-crd-');
after(() => removeDir(work));

const crd = `
apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames: [ct]
    categories: [all]
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema:
        type: object
        properties:
          spec:
            type: object
            required: [cronSpec]
            properties:
              cronSpec: {type: string, pattern: '^(\\S+\\s){4}\\S+$'}
              image: {type: string}
              replicas: {type: integer, minimum: 0, default: 1}
          status:
            type: object
            properties:
              replicas: {type: integer}
              selector: {type: string}
              phase: {type: string}
    subresources:
      status: {}
      scale:
        specReplicasPath: .spec.replicas
        statusReplicasPath: .status.replicas
        labelSelectorPath: .status.selector
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
    - {name: Replicas, type: integer, jsonPath: .spec.replicas}
    - {name: Phase, type: string, jsonPath: .status.phase}
    - {name: Image, type: string, jsonPath: .spec.image, priority: 1}
  - name: v1beta1
    served: true
    storage: false
    deprecated: true
    schema:
      openAPIV3Schema:
        type: object
        x-kubernetes-preserve-unknown-fields: true
`;

const cr = (name: string, extra = '') => `
apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: ${name}
  namespace: default
spec:
  cronSpec: "* * * * */5"
  image: my-cron-image${extra}
`;

test('a CRD is served, its custom resources work with kubectl, survive a restart and go with it', async () => {
  const binary = kubectlVersionsUnderTest().at(-1)!;
  let server = await startKubemu({ dataDir: join(work, 'data') });
  try {
    let k = kubectlFor(binary, server.kubeconfig, join(work, 'cache-a'));
    await k.ok(['apply', '-f', '-'], { input: crd });
    await k.ok(['wait', '--for=condition=Established', 'crd/crontabs.stable.example.com', '--timeout=20s']);
    const crds = await k.ok(['get', 'crd']);
    assert.match(crds, /crontabs\.stable\.example\.com/);
    const accepted = JSON.parse(await k.ok(['get', 'crd', 'crontabs.stable.example.com', '-o', 'json'])) as {
      status: { acceptedNames: { shortNames: string[] }; conditions: { type: string; status: string; reason: string }[] };
    };
    assert.deepEqual(accepted.status.acceptedNames.shortNames, ['ct']);
    assert.deepEqual(
      accepted.status.conditions.map((c) => `${c.type}=${c.status}/${c.reason}`),
      ['NamesAccepted=True/NoConflicts', 'Established=True/InitialNamesAccepted'],
    );

    await k.ok(['apply', '-f', '-'], { input: cr('nightly') });
    const table = await k.ok(['get', 'ct']);
    assert.match(table, /^NAME\s+SPEC\s+REPLICAS\s+PHASE\n/);
    // A missing value is a null cell, which kubectl prints empty.
    assert.match(table, /nightly\s+\* \* \* \* \*\/5\s+1\s*\n/);
    assert.match(await k.ok(['get', 'ct', '-o', 'wide']), /IMAGE\n.*my-cron-image/);

    await k.ok(['scale', 'crontab/nightly', '--replicas=3']);
    assert.equal(await k.ok(['get', 'ct', 'nightly', '-o', 'jsonpath={.spec.replicas} {.metadata.generation}']), '3 2');

    // Status goes through /status only, and does not move the generation.
    await k.ok(['patch', 'ct', 'nightly', '--subresource=status', '--type=merge', '-p', '{"status":{"phase":"Running","replicas":3}}']);
    await k.ok(['patch', 'ct', 'nightly', '--type=merge', '-p', '{"status":{"phase":"Ignored"}}']);
    assert.equal(await k.ok(['get', 'ct', 'nightly', '-o', 'jsonpath={.status.phase} {.metadata.generation}']), 'Running 2');
    const scale = JSON.parse(await k.ok(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs/nightly/scale'])) as { status: { replicas: number } };
    assert.equal(scale.status.replicas, 3);

    const invalid = await k.run(['apply', '-f', '-'], { input: cr('bad').replace('cronSpec: "* * * * */5"', 'cronSpec: "x"\n  replicas: many') });
    assert.notEqual(invalid.code, 0);
    assert.match(invalid.stderr, /The CronTab "bad" is invalid: \n\* spec\.cronSpec: Invalid value: "x": spec\.cronSpec in body should match/);
    assert.match(invalid.stderr, /spec\.replicas: Invalid value: "many": spec\.replicas in body must be of type integer: "string"/);
    const unknown = await k.run(['apply', '-f', '-'], { input: cr('odd') + '  colour: blue\n' });
    assert.notEqual(unknown.code, 0);
    assert.match(unknown.stderr, /strict decoding error: unknown field "spec\.colour"/);

    const deprecated = await k.run(['get', 'crontabs.v1beta1.stable.example.com']);
    assert.match(deprecated.stderr, /Warning: stable\.example\.com\/v1beta1 CronTab is deprecated/);
    assert.match(deprecated.stdout, /nightly/);

    assert.equal(await server.stop('SIGTERM'), 0);
    server = await startKubemu({ dataDir: join(work, 'data') });
    k = kubectlFor(binary, server.kubeconfig, join(work, 'cache-b'));
    assert.equal(await k.ok(['get', 'ct', 'nightly', '-o', 'jsonpath={.spec.replicas} {.status.phase}']), '3 Running');

    await k.ok(['delete', 'crd', 'crontabs.stable.example.com', '--timeout=30s']);
    await eventually('the CRD and its resources are gone', async () => {
      const r = await k.run(['get', '--raw', '/apis/stable.example.com/v1/namespaces/default/crontabs/nightly']);
      return r.code !== 0 ? true : undefined;
    });
    const gone = await k.run(['get', 'crd', 'crontabs.stable.example.com']);
    assert.match(gone.stderr, /NotFound|not found/);
  } finally {
    await server.stop('SIGTERM');
  }
});
