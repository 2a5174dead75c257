import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { GoTemplate, TemplateError } from './go-template.js';
import { JqQuery, QueryError } from './jq-query.js';
import { goDurationMs } from '../../machinery/go-duration.js';
import { chooseStage, parseStage, parseStages, stageDelayMs, stageMatches, StageError, type Stage } from './stage.js';
import { StageRunner, type StageActions } from './stage-runner.js';
import { templateFunctionNames, templateFunctions, type TemplateHost } from './template-functions.js';

const names = new Set(templateFunctionNames());
const host: TemplateHost = {
  now: () => Date.parse('2026-12-06T10:00:00.250Z'),
  startedAt: Date.parse('2026-12-06T09:00:00Z'),
  kubeletVersion: 'v1.36.0',
  nodeIP: (n) => (n === 'kubemu-worker' ? '172.18.0.3' : ''),
  podIP: (n, hostNetwork, uid) => (hostNetwork ? host.nodeIP(n) : `10.244.1.${uid.length}`),
};
const render = (text: string, data: Record<string, unknown>) => GoTemplate.parse(text, names).execute(data, templateFunctions(host, data));

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-1', namespace: 'default', uid: 'abcd', labels: { app: 'web' }, annotations: { 'example.com/delay': '1.5s' }, ownerReferences: [{ kind: 'ReplicaSet', name: 'web' }] },
  spec: {
    nodeName: 'kubemu-worker',
    initContainers: [{ name: 'setup', image: 'busybox' }, { name: 'proxy', image: 'envoy', restartPolicy: 'Always' }],
    containers: [{ name: 'app', image: 'nginx' }, { name: 'log', image: 'fluentd' }],
  },
  status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True' }] },
};

describe('Go templates', () => {
  test('a status template with variables, range, if/else, pipes and the kubelet functions renders the YAML Go would', () => {
    const text = `{{ $now := Now }}
phase: Running
hostIP: {{ NodeIPWith .spec.nodeName | Quote }}
podIP: {{ PodIPWith .spec.nodeName ( or .spec.hostNetwork false ) .metadata.uid .metadata.name .metadata.namespace | Quote }}
startTime: {{ $now | Quote }}
containerStatuses:
{{- range $i, $c := .spec.containers }}
- name: {{ $c.name | Quote }}
  image: {{ .image | Quote }}
  index: {{ $i }}
  ready: true
{{- end }}
initContainerStatuses:
{{ range .spec.initContainers }}
- name: {{ .name }}
  {{ if eq .restartPolicy "Always" }}
  state: {running: {startedAt: {{ $now | Quote }}}}
  {{ else }}
  state: {terminated: {exitCode: 0, reason: Completed}}
  {{ end }}
{{ end }}
{{/* a comment */}}
owners: {{ len .metadata.ownerReferences }}
app: {{ index .metadata.labels "app" }}
missing: {{ or ( index .metadata.labels "tier" ) "none" }}`;
    const out = parseYaml(render(text, pod)) as Record<string, unknown>;
    assert.deepEqual(out, {
      phase: 'Running',
      hostIP: '172.18.0.3',
      podIP: '10.244.1.4',
      startTime: '2026-12-06T10:00:00.25Z',
      containerStatuses: [
        { name: 'app', image: 'nginx', index: 0, ready: true },
        { name: 'log', image: 'fluentd', index: 1, ready: true },
      ],
      initContainerStatuses: [
        { name: 'setup', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        { name: 'proxy', state: { running: { startedAt: '2026-12-06T10:00:00.25Z' } } },
      ],
      owners: 1,
      app: 'web',
      missing: 'none',
    });
  });

  test('with, else if, dict, printf, assignment and trim markers', () => {
    const text = `{{- $x := "a" -}}
{{- with .metadata.labels -}} label={{ .app }} {{- end }}
{{ if eq .status.phase "Running" }}running{{ else if eq .status.phase "Pending" }}pending{{ else }}other{{ end }}
{{ $x = "b" }}{{ $x }} {{ printf "%s-%d" .metadata.name 7 }} {{ $d := dict "k" "v" }}{{ $d.k }} {{ Quote 5 }} {{ .nothing }}`;
    assert.equal(render(text, pod), 'label=web\npending\nb web-1-7 v "5" <no value>');
  });

  test('Go errors: a field of nil, an unknown function, an unclosed block', () => {
    assert.throws(() => render('{{ .metadata.missing.deeper }}', pod), /nil pointer evaluating interface \{\}\.deeper/);
    assert.throws(() => GoTemplate.parse('{{ Frobnicate . }}', names), (err: unknown) => err instanceof TemplateError && /function "Frobnicate" not defined/.test(err.message));
    assert.throws(() => GoTemplate.parse('{{ if . }}x', names), /has no \{\{end\}\}/);
    assert.throws(() => GoTemplate.parse('{{ template "x" }}', names), /not supported/);
  });
});

describe('jq expressions', () => {
  test('paths, bracketed keys, iteration, indexes, pipes and select', () => {
    assert.deepEqual(JqQuery.parse('.metadata.labels["app"]').run(pod), ['web']);
    assert.deepEqual(JqQuery.parse('.metadata.ownerReferences.[].kind').run(pod), ['ReplicaSet']);
    assert.deepEqual(JqQuery.parse('.spec.containers[1].name').run(pod), ['log']);
    assert.deepEqual(JqQuery.parse('.metadata.deletionTimestamp').run(pod), [null]);
    assert.deepEqual(JqQuery.parse('.status.conditions.[] | select( .type == "PodScheduled" ) | .status').run(pod), ['True']);
    assert.deepEqual(JqQuery.parse('.status.conditions[] | select(.type != "PodScheduled")').run(pod), []);
    // jq stops with an error iterating over null: no result at all.
    assert.equal(JqQuery.parse('.spec.volumes[].name').run(pod), undefined);
  });

  test('anything beyond the subset is refused, naming the query', () => {
    assert.throws(() => JqQuery.parse('.a // "x"'), (err: unknown) => err instanceof QueryError && /\.a \/\/ "x"/.test(err.message));
    assert.throws(() => JqQuery.parse('map(.a)'), QueryError);
  });
});

const stageDoc = (name: string, spec: Record<string, unknown>) => ({ apiVersion: 'kwok.x-k8s.io/v1alpha1', kind: 'Stage', metadata: { name }, spec: { resourceRef: { apiGroup: 'v1', kind: 'Pod' }, ...spec } });

describe('Stage documents', () => {
  test('selectors combine labels, annotations and expressions as kwok does', () => {
    const s = parseStage(
      stageDoc('ready', {
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' },
            { key: '.metadata.ownerReferences.[].kind', operator: 'In', values: ['ReplicaSet', 'Job'] },
            { key: '.status.podIP', operator: 'DoesNotExist' },
          ],
        },
        next: { statusTemplate: 'phase: Running' },
      }),
      'doc',
    );
    assert.equal(stageMatches(s, pod), true);
    assert.equal(stageMatches(s, { ...pod, metadata: { ...pod.metadata, labels: { app: 'db' } } }), false);
    assert.equal(stageMatches(s, { ...pod, status: { podIP: '10.0.0.1' } }), false);
    // No owners: iterating over null is an error, so In does not match.
    assert.equal(stageMatches(s, { ...pod, metadata: { ...pod.metadata, ownerReferences: undefined } }), false);
    // A stage without a selector selects nothing.
    assert.equal(stageMatches(parseStage(stageDoc('none', { next: {} }), 'doc'), pod), false);
  });

  test('delays: fixed, jittered, and read from the object as a Go duration or a time', () => {
    const jittered = parseStage(stageDoc('j', { selector: {}, delay: { durationMilliseconds: 1000, jitterDurationMilliseconds: 3000 }, next: {} }), 'd');
    assert.equal(stageDelayMs(jittered, pod, 0, () => 0), 1000);
    assert.equal(stageDelayMs(jittered, pod, 0, () => 0.5), 2000);
    const from = parseStage(
      stageDoc('f', { selector: {}, delay: { durationMilliseconds: 100, durationFrom: { expressionFrom: '.metadata.annotations["example.com/delay"]' } }, next: {} }),
      'd',
    );
    assert.equal(stageDelayMs(from, pod, 0, Math.random), 1500);
    assert.equal(stageDelayMs(from, { ...pod, metadata: { ...pod.metadata, annotations: {} } }, 0, Math.random), 100);
    const until = { ...pod, metadata: { ...pod.metadata, annotations: { 'example.com/delay': '2026-12-06T10:00:05Z' } } };
    assert.equal(stageDelayMs(from, until, Date.parse('2026-12-06T10:00:00Z'), Math.random), 5000);
    assert.equal(goDurationMs('1h2m3.5s'), 3_723_500);
    assert.equal(goDurationMs('soon'), undefined);
  });

  test('several matching stages: chosen by weight, zero weights only when none has one', () => {
    const a = parseStage(stageDoc('a', { selector: {}, weight: 1, next: {} }), 'd');
    const b = parseStage(stageDoc('b', { selector: {}, weight: 3, next: {} }), 'd');
    const zero = parseStage(stageDoc('z', { selector: {}, next: {} }), 'd');
    assert.equal(chooseStage([a, b, zero], pod, () => 0)?.name, 'a');
    assert.equal(chooseStage([a, b, zero], pod, () => 0.3)?.name, 'b');
    assert.equal(chooseStage([a, b, zero], pod, () => 0.99)?.name, 'b');
    assert.equal(chooseStage([zero, parseStage(stageDoc('z2', { selector: {}, next: {} }), 'd')], pod, () => 0.6)?.name, 'z2');
  });

  test('what kubemu does not run is refused with the stage and field named', () => {
    const refused = (doc: unknown, pattern: RegExp) => assert.throws(() => parseStages([doc]), (err: unknown) => err instanceof StageError && pattern.test(err.message));
    refused({ ...stageDoc('n', { next: {} }), spec: { resourceRef: { kind: 'Node' }, next: {} } }, /^Stage n: spec\.resourceRef: v1 Node: kubemu runs Stages for Pods/);
    refused(stageDoc('c', { selector: { matchExpressions: [{ expressionCEL: { expression: 'true' } }] }, next: {} }), /matchExpressions\[0\]: CEL expressions are not supported/);
    refused(stageDoc('p', { next: { patches: [] } }), /spec\.next\.patches: is not supported/);
    refused(stageDoc('u', { selector: {}, next: {}, surprise: 1 }), /spec\.surprise: unknown field/);
    refused(stageDoc('t', { selector: {}, next: { statusTemplate: '{{ Bogus }}' } }), /spec\.next\.statusTemplate: function "Bogus" not defined/);
    refused(stageDoc('q', { selector: { matchExpressions: [{ key: '.a', operator: 'In' }] }, next: {} }), /values set can't be empty/);
    assert.throws(() => parseStages([stageDoc('x', { next: {} }), stageDoc('x', { next: {} })]), /used by two Stage documents/);
  });
});

describe('the stage runner', () => {
  const stages: Stage[] = parseStages([
    stageDoc('create', {
      selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'DoesNotExist' }, { key: '.status.podIP', operator: 'DoesNotExist' }] },
      delay: { durationMilliseconds: 500 },
      next: { event: { type: 'Normal', reason: 'Staged', message: 'ready' }, finalizers: { add: [{ value: 'kubemu.dev/staged' }] }, statusTemplate: 'phase: Running\npodIP: {{ PodIP | Quote }}' },
    }),
    stageDoc('delete', {
      selector: { matchExpressions: [{ key: '.metadata.deletionTimestamp', operator: 'Exists' }] },
      next: { finalizers: { empty: true }, delete: true },
    }),
  ]);

  function harness() {
    const log: string[] = [];
    let current: Record<string, any> = structuredClone(pod);
    const actions: StageActions<any> = {
      setFinalizers: async (_o, finalizers) => {
        log.push(`finalizers ${finalizers.join(',') || '-'}`);
        current = { ...current, metadata: { ...current.metadata, finalizers } };
        return current;
      },
      patchStatus: async (_o, status) => {
        log.push(`status ${JSON.stringify(status)}`);
        current = { ...current, status: { ...current.status, ...status } };
        return current;
      },
      delete: async () => void log.push('delete'),
      event: (_o, type, reason, message) => log.push(`event ${type} ${reason} ${message}`),
      failed: (_o, stage, message) => log.push(`failed ${stage.name}: ${message}`),
    };
    return { log, actions, get: () => current, set: (o: Record<string, any>) => (current = o) };
  }

  test('waits the delay, then adds the finalizer, records the event and writes the status; the deletion stage removes the pod', async () => {
    const h = harness();
    const runner = new StageRunner(stages, host, h.actions, () => 0);
    assert.equal(await runner.sync(h.get() as any, 1000), 500);
    assert.equal(await runner.sync(h.get() as any, 1200), 300, 'the chosen stage keeps its due time');
    assert.deepEqual(h.log, []);
    assert.equal(await runner.sync(h.get() as any, 1500), undefined);
    assert.deepEqual(h.log, ['finalizers kubemu.dev/staged', 'event Normal Staged ready', 'status {"phase":"Running","podIP":"10.244.1.4"}']);
    assert.equal(await runner.sync(h.get() as any, 1600), undefined, 'no stage selects a running pod');
    h.set({ ...h.get(), metadata: { ...h.get().metadata, deletionTimestamp: '2026-12-06T10:00:00Z' } });
    await runner.sync(h.get() as any, 1700);
    assert.deepEqual(h.log.slice(3), ['finalizers -', 'delete']);
  });

  test('a template that fails at run time is reported, not skipped silently', async () => {
    const h = harness();
    const broken = parseStages([stageDoc('broken', { selector: {}, next: { statusTemplate: 'x: {{ .spec.missing.field }}' } })]);
    await new StageRunner(broken, host, h.actions, () => 0).sync(h.get() as any, 0);
    assert.deepEqual(h.log, ['failed broken: stage broken: statusTemplate: nil pointer evaluating interface {}.field']);
  });
});
