// Status bodies as Go's encoding/json writes metav1.Status: struct order, omitempty, Go escaping.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { alreadyExists, invalid, resourceNotFound, statusJson, successStatus, tooManyRequests, type Status } from './index.js';

test('fields come in metav1.Status order, details and causes in theirs, whatever order they were set in', () => {
  const scrambled = {
    code: 422,
    details: {
      causes: [{ field: 'spec.x', message: 'Required value', reason: 'FieldValueRequired' }],
      retryAfterSeconds: 3,
      uid: 'u-1',
      kind: 'deployments',
      group: 'apps',
      name: 'web',
    },
    reason: 'Invalid',
    message: 'bad',
    status: 'Failure',
    metadata: {},
    apiVersion: 'v1',
    kind: 'Status',
  } as unknown as Status;
  assert.equal(
    statusJson(scrambled),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"bad","reason":"Invalid",' +
      '"details":{"name":"web","group":"apps","kind":"deployments","uid":"u-1","causes":[{"reason":"FieldValueRequired","message":"Required value","field":"spec.x"}],"retryAfterSeconds":3},' +
      '"code":422}',
  );
});

test('the AlreadyExists a second create gets', () => {
  const status = alreadyExists({ group: '', resource: 'configmaps' }, 'x').status;
  assert.equal(
    statusJson(status),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"configmaps \\"x\\" already exists","reason":"AlreadyExists","details":{"name":"x","kind":"configmaps"},"code":409}',
  );
});

test('empty fields are left out, but metadata and an empty details object are written', () => {
  assert.equal(
    statusJson(resourceNotFound().status),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","details":{},"code":404}',
  );
  // A delete's Success Status has no code; a binding's is 201.
  assert.equal(
    statusJson(successStatus({ name: 'p', group: '', kind: 'pods', uid: 'u' })),
    '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","details":{"name":"p","kind":"pods","uid":"u"}}',
  );
  assert.equal(statusJson(successStatus(undefined, 201)), '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Success","code":201}');
  // The kubelet's exec error channel: no TypeMeta.
  assert.equal(statusJson({ metadata: {}, status: 'Success' }), '{"metadata":{},"status":"Success"}');
  assert.equal(JSON.parse(statusJson(tooManyRequests('slow down', 5).status)).details.retryAfterSeconds, 5);
});

test('causes keep their order; a cause without a field has no field key', () => {
  const status = invalid({ group: 'apps', kind: 'Deployment' }, 'd', [
    { type: 'FieldValueRequired', field: 'spec.selector', detail: '' },
    { type: 'FieldValueInvalid', field: 'spec.replicas', badValue: -1, detail: 'must be greater than or equal to 0' },
  ]).status;
  const parsed = JSON.parse(statusJson(status)) as { details: { causes: Record<string, string>[] } };
  assert.deepEqual(Object.keys(parsed), ['kind', 'apiVersion', 'metadata', 'status', 'message', 'reason', 'details', 'code']);
  assert.deepEqual(parsed.details.causes.map((c) => c.field), ['spec.selector', 'spec.replicas']);
  assert.deepEqual(Object.keys(parsed.details.causes[1]!), ['reason', 'message', 'field']);
});

test('Go escapes <, > and & (and U+2028/U+2029) in strings; pretty output is indented by two spaces', () => {
  const status = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: 'a <b> & c\u2028', reason: 'BadRequest', code: 400 } as Status;
  const text = statusJson(status);
  assert.ok(text.includes('"message":"a \\u003cb\\u003e \\u0026 c\\u2028"'), text);
  assert.equal(JSON.parse(text).message, status.message);
  assert.equal(statusJson(status, 2).split('\n')[1], '  "kind": "Status",');
});
