// What the JSON and YAML decoders refuse before anything else sees a body.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isApiError } from '../apierrors/index.js';
import { decodeJson, decodeYaml } from './body.js';

const refusal = async (decode: () => unknown): Promise<string> => {
  try {
    await decode();
  } catch (err) {
    assert.ok(isApiError(err));
    assert.equal(err.code, 400);
    return err.message;
  }
  return assert.fail('decoded');
};

test('a number no float64 holds is refused as Go refuses it; the same text inside a string is only text', async () => {
  assert.equal(await refusal(() => decodeJson('{"a":[1,2e400]}')), "couldn't get version/kind; json parse error: json: cannot unmarshal number 2e400 into Go value of type float64");
  assert.equal(await refusal(() => decodeJson(`{"a":-${'9'.repeat(400)}}`)), `couldn't get version/kind; json parse error: json: cannot unmarshal number -${'9'.repeat(400)} into Go value of type float64`);
  assert.deepEqual(decodeJson('{"a":"1e400","b":1e300}').value, { a: '1e400', b: 1e300 });
});

test('bodies nested more than 1,000 levels are refused before they are parsed', async () => {
  const message = await refusal(() => decodeJson(`{"a":${'['.repeat(1000)}${']'.repeat(1000)}}`));
  assert.match(message, /^the request body is nested more than 1000 levels deep/);
  assert.match(await refusal(() => decodeYaml(`a: ${'['.repeat(5000)}`)), /nested more than 1000 levels/);
  assert.equal((decodeJson(`${'['.repeat(999)}${']'.repeat(999)}`).value as unknown[]).length, 1);
});
