import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, quantityFormatError, quantitySuffixError } from './quantity.js';

function canonical(input: string): string {
  const r = canonicalQuantity(input);
  assert.ok(r.ok, `${input}: ${r.ok ? '' : r.error}`);
  return r.canonical;
}

test('canonical forms match resource.Quantity.String()', () => {
  const cases: [string, string][] = [
    // already canonical: returned as is
    ['100m', '100m'], ['128Mi', '128Mi'], ['1Gi', '1Gi'], ['2', '2'], ['5n', '5n'], ['1E', '1E'], ['1025Ki', '1025Ki'],
    // decimal: no fraction, largest SI suffix without losing precision
    ['0.5', '500m'], ['1.5', '1500m'], ['1000', '1k'], ['1000m', '1'], ['1000M', '1G'], ['50k', '50k'], ['1.', '1.'], ['1.G', '1.G'],
    ['0.001', '1m'], ['.001', '1m'], ['0.0005k', '500m'], ['10.035M', '10.035M'], ['1234567000', '1234567k'],
    // binary: kept when exact and at least 1024, else decimal
    ['1024Mi', '1Gi'], ['2048Ki', '2Mi'], ['1.5Gi', '1536Mi'], ['1.5Ki', '1536'], ['0.5Ki', '512'], ['.001Ki', '1024m'],
    ['100.035Ki', '102435840m'], ['9Ei', '9223372036854775807'],
    // exponents
    ['1e3', '1e3'], ['1E6', '1E6'], ['12e2', '1200'], ['1.2e3', '1200'], ['1E-3', '1E-3'], ['0.5e-2', '5e-3'],
    // sub-nano amounts round up
    ['3.001n', '4n'], ['0.0000000001', '1n'], ['.000000000001Ki', '2n'], ['1e-2147483647', '1e-9'],
    // beyond E there is no SI suffix: exponent notation keeps the magnitude
    ['1000E', '1e21'],
    // signs and zeros
    ['-0.5', '-500m'], ['+1', '+1'], ['0', '0'], ['0Ki', '0'], ['-0', '0'], ['.', '0'],
    // surrounding spaces are trimmed (UnmarshalJSON does so)
    [' 1 ', '1'],
  ];
  for (const [input, expected] of cases) assert.equal(canonical(input), expected, input);
});

test('malformed quantities give ParseQuantity errors', () => {
  for (const input of ['', 'aoeu', '1.1.M', '1+1.0M', '0.1am', 'true', '{}', '1 2']) {
    assert.deepEqual(canonicalQuantity(input), { ok: false, error: quantityFormatError }, input);
  }
  for (const input of ['0.1mi', '.5i', '1i', '-3.01i', '1ki']) {
    assert.deepEqual(canonicalQuantity(input), { ok: false, error: quantitySuffixError }, input);
  }
});

test('huge exponents are handled without computing huge powers', () => {
  assert.equal(canonical('1e2147483647'), '10e2147483646');
  assert.equal(canonical('5e-999999999'), '1e-9');
});
