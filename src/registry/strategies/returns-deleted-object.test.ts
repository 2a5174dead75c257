import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Catalogue } from '../../schema/catalogue.js';
import { testSpec } from '../../testing/test-app.js';
import { strategyFor } from './index.js';

type Paths = Record<string, { delete?: { responses?: Record<string, { schema?: { $ref?: string } }> } }>;

// kube-apiserver's installer documents a DELETE's 200 answer as the kind itself exactly when its
// store returns the deleted object: the spec is the record of which stores do.
test('DELETE answers with the object for exactly the stores the spec says return it', () => {
  const document = testSpec().document as { paths: Paths };
  const catalogue = new Catalogue(testSpec().document);
  const expected: string[] = [];
  const actual: string[] = [];
  let checked = 0;
  for (const info of catalogue.all()) {
    if (!info.verbs.includes('delete') || info.qualified === 'namespaces') continue; // namespaces: a REST of their own
    const root = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
    const path = `${root}${info.namespaced ? '/namespaces/{namespace}' : ''}/${info.resource}/{name}`;
    const ref = document.paths[path]?.delete?.responses?.['200']?.schema?.$ref;
    assert.ok(ref, `${path}: a DELETE with a 200 answer in the spec`);
    checked++;
    if (!ref.endsWith('.Status')) expected.push(info.qualified);
    if (strategyFor(info.qualified).returnDeletedObject) actual.push(info.qualified);
  }
  assert.ok(checked > 50, `${checked} resources checked`);
  assert.deepEqual([...new Set(actual)].sort(), [...new Set(expected)].sort());
});
