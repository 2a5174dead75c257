import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity } from './quantity.js';

test('canonicalQuantity prints what Quantity.String() prints', () => {
  const cases: Array<[unknown, string]> = [
    ['1Gi', '1Gi'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['0.3Ki', '307200m'],
    ['1.1Gi', '1181116006400m'],
    ['100m', '100m'],
    ['0.5', '500m'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['2000000', '2M'],
    ['10G', '10G'],
    ['1e3', '1e3'],
    ['1e4', '10e3'],
    ['0.1m', '100u'],
    ['-1.5', '-1500m'],
    ['0', '0'],
    ['0Gi', '0'],
    [2, '2'],
    [0.25, '250m'],
    [undefined, '0'],
  ];
  for (const [input, expected] of cases) assert.equal(canonicalQuantity(input), expected, String(input));
});

test('canonicalQuantity leaves text it cannot parse unchanged', () => {
  for (const input of ['abc', '1e', '1Qi']) assert.equal(canonicalQuantity(input), input);
});
