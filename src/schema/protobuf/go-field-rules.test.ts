// The generated Go rules checked against an independent source, the OpenAPI spec: every
// property of a definition must come out of the message's plan under the same JSON name.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { locateProtoDir, locateSpec } from '../spec-files.js';
import { goFieldRules } from './go-field-rules.js';
import { createPlanCache, parseFieldRules, type MessagePlan } from './message-plan.js';
import { createProtoSchema } from './proto-schema.js';
import { specialKindOf } from './special-messages.js';

// The .proto files come from a later main branch than the 1.36 spec; these alpha fields were
// reshaped there, so the protobuf form cannot carry them.
const KNOWN_PROTO_DIVERGENCES = new Set([
  'k8s.io.api.core.v1.NodeAllocatableResourceClaimStatus.resources',
  'k8s.io.api.resource.v1.Device.nodeAllocatableResourceMappings',
  'k8s.io.api.resource.v1beta1.BasicDevice.nodeAllocatableResourceMappings',
  'k8s.io.api.resource.v1beta2.Device.nodeAllocatableResourceMappings',
]);

test('every OpenAPI property of a built-in definition has a protobuf field with that JSON name', () => {
  const swagger = JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, { properties?: Record<string, unknown> }> };
  const schema = createProtoSchema(locateProtoDir());
  schema.loadAll();
  const plans = createPlanCache(goFieldRules);
  const keysOf = (plan: MessagePlan): string[] =>
    plan.fields.flatMap((f) => (f.inline && f.value.type === 'message' ? keysOf(f.value.message) : [f.jsonName]));
  const missing: string[] = [];
  let checked = 0;
  for (const [name, definition] of Object.entries(swagger.definitions)) {
    if (!name.startsWith('io.k8s.api.') && !name.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.')) continue;
    const fullName = `k8s.io.${name.slice('io.k8s.'.length)}`;
    const pkg = fullName.slice('k8s.io.'.length, fullName.lastIndexOf('.'));
    const type = schema.lookup(`k8s.io/${pkg.replaceAll('.', '/')}/generated.proto`, fullName);
    if (!type || specialKindOf(type) || !definition.properties) continue;
    checked++;
    const keys = new Set(keysOf(plans.planFor(type)));
    for (const property of Object.keys(definition.properties)) {
      if (property === 'apiVersion' || property === 'kind') continue;
      if (!keys.has(property) && !KNOWN_PROTO_DIVERGENCES.has(`${fullName}.${property}`)) missing.push(`${fullName}.${property}`);
    }
  }
  assert.ok(checked > 600, `only ${checked} definitions matched a message`);
  assert.deepEqual(missing, []);
});

test('rule strings parse into presence, inlining and JSON names', () => {
  const rules = parseFieldRules('replicas selector~ template$ minReadySeconds? name! volumeSource^ Webhooks=webhooks');
  assert.deepEqual(rules.get('selector'), { presence: 'nullable', inline: false });
  assert.deepEqual(rules.get('template'), { presence: 'struct', inline: false });
  assert.deepEqual(rules.get('minReadySeconds'), { presence: 'omitZero', inline: false });
  assert.deepEqual(rules.get('name'), { presence: 'always', inline: false });
  assert.deepEqual(rules.get('volumeSource'), { presence: 'pointer', inline: true });
  assert.deepEqual(rules.get('Webhooks'), { presence: 'pointer', inline: false, jsonName: 'webhooks' });
  assert.throws(() => parseFieldRules('bad-token'));
  for (const [message, rule] of Object.entries(goFieldRules)) assert.doesNotThrow(() => parseFieldRules(rule), message);
});
