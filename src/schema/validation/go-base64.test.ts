import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkBase64 } from './go-base64.js';

test('valid base64 is kept, or re-encoded when Go would change it', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['aGVsbG8=', 'aGVsbG8='],
    ['aGk=', 'aGk='],
    ['YQ==', 'YQ=='],
    ['YR==', 'YQ=='], // unused bits are dropped by the decoder
    ['aGVs\nbG8=', 'aGVsbG8='], // CR and LF are skipped
    ['aGVs\r\nbG8=\n', 'aGVsbG8='],
  ];
  for (const [input, canonical] of cases) assert.deepEqual(checkBase64(input), { ok: true, canonical }, JSON.stringify(input));
});

test('invalid base64 reports the offset encoding/base64 reports', () => {
  const cases: [string, number][] = [
    ['hello!', 5], // '!' is not in the alphabet
    ['aGVsbG8', 4], // a partial final quantum needs padding
    ['YQ', 0],
    ['YQ=', 3], // "==" cut short
    ['Y===', 1], // padding after a single symbol
    ['YQ==YQ==', 4], // data after the padding
    ['YQ=x', 2],
    ['aGVsbG8=é', 8],
  ];
  for (const [input, offset] of cases) {
    assert.deepEqual(checkBase64(input), { ok: false, error: `illegal base64 data at input byte ${offset}` }, input);
  }
});
