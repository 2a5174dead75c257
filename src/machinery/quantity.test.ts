import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addQuantities,
  subtractQuantities,
  canonicalQuantity,
  canonicalResourceQuantity,
  compareQuantities,
  formatQuantity,
  milliValue,
  parseQuantity,
  QuantityError,
  roundUpQuantity,
  scaledValue,
  value,
} from './quantity.js';

const formatWrong = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
const suffixWrong = "unable to parse quantity's suffix";

// input, canonical form, canonical form once rounded up to milli (as a ResourceList stores it).
// Expectations follow resource.MustParse(x).String() of k8s.io/apimachinery.
const canonicalTable: [string | number, string, string][] = [
  // Fractions move into a smaller suffix, whole multiples into a larger one.
  ['0.5', '500m', '500m'],
  ['1.5', '1500m', '1500m'],
  ['.5', '500m', '500m'],
  ['1000m', '1', '1'],
  ['1.0', '1', '1'],
  ['1000', '1k', '1k'],
  ['1000000k', '1G', '1G'],
  ['100m', '100m', '100m'],
  ['250m', '250m', '250m'],
  ['2', '2', '2'],
  ['10M', '10M', '10M'],
  // Binary suffixes stay binary while exact, and grow by powers of 1024.
  ['1024Mi', '1Gi', '1Gi'],
  ['2048Ki', '2Mi', '2Mi'],
  ['1.5Gi', '1536Mi', '1536Mi'],
  ['128Mi', '128Mi', '128Mi'],
  ['1Ki', '1Ki', '1Ki'],
  ['1025Ki', '1025Ki', '1025Ki'],
  ['100Ti', '100Ti', '100Ti'],
  ['1Pi', '1Pi', '1Pi'],
  // Below 1Ki, or when not a whole number, a binary value is printed in decimal.
  ['0.5Ki', '512', '512'],
  ['1.1Ki', '1126400m', '1126400m'],
  // Precision below milli survives canonicalization but not ResourceList rounding.
  ['0.0001', '100u', '1m'],
  ['100u', '100u', '1m'],
  ['0.001m', '1u', '1m'],
  ['1n', '1n', '1m'],
  // Nothing is smaller than 1n: non-zero amounts round up to it.
  ['0.1n', '1n', '1m'],
  ['1e-10', '1e-9', '1e-3'],
  // Exponent notation keeps its form.
  ['12e6', '12e6', '12e6'],
  ['0.5e0', '500e-3', '500e-3'],
  ['1e21', '1e21', '1e21'],
  // Zero, however written, is "0".
  ['0', '0', '0'],
  ['-0', '0', '0'],
  ['00', '0', '0'],
  ['0Ki', '0', '0'],
  // Negative values keep their sign.
  ['-1Ki', '-1Ki', '-1Ki'],
  ['-0.0001', '-100u', '-1m'],
  // Beyond int64: exact in decimal, capped at 2^63-1 in binary.
  ['99999999999999999999', '99999999999999999999', '99999999999999999999'],
  ['8Ei', '9223372036854775807', '9223372036854775807'],
  // Go echoes input that is already canonical verbatim, quirks included.
  ['+1', '+1', '+1'],
  ['01', '01', '01'],
  ['1e3', '1e3', '1e3'],
  ['5.', '5.', '5.'],
  // A DecimalSI exponent past E has no suffix: older Go releases dropped it (and the magnitude).
  ['1000E', '1e21', '1e21'], // beyond E: kubemu keeps the magnitude in exponent form
  // JSON numbers are read through their decimal text.
  [0.5, '500m', '500m'],
  [1, '1', '1'],
  [1000, '1k', '1k'],
  [0.1, '100m', '100m'],
  // JSON decoding trims whitespace around the value.
  [' 100m ', '100m', '100m'],
];

for (const [input, canonical, rounded] of canonicalTable) {
  test(`canonical form of ${JSON.stringify(input)} is ${canonical}`, () => {
    assert.equal(canonicalQuantity(input), canonical);
    assert.equal(canonicalResourceQuantity(input), rounded);
  });
}

const invalidTable: [string | number, string][] = [
  ['', formatWrong],
  ['abc', formatWrong],
  ['1KiB', formatWrong],
  ['1 Ki', formatWrong],
  ['1.5.5', formatWrong],
  ['1Gi ', formatWrong],
  ['Infinity', formatWrong],
  [Number.NaN, formatWrong],
  ['1kk', suffixWrong],
  ['1K', suffixWrong],
  ['1ki', suffixWrong],
  ['1e', suffixWrong],
  ['1e+', suffixWrong],
  ['--1', suffixWrong],
  ['1e99999999999999999999', suffixWrong],
];

for (const [input, message] of invalidTable) {
  test(`${JSON.stringify(input)} is not a quantity`, () => {
    assert.throws(
      () => parseQuantity(input),
      (err: unknown) => err instanceof QuantityError && err.message === message,
    );
  });
}

test('canonicalQuantity rejects what parseQuantity rejects', () => {
  assert.throws(() => canonicalQuantity('1KB'), QuantityError);
  assert.throws(() => canonicalResourceQuantity('two'), QuantityError);
});

test('parseQuantity keeps the exact value and the suffix family', () => {
  assert.deepEqual(parseQuantity('1.5Gi'), { unscaled: 15n * 2n ** 30n, scale: -1, format: 'BinarySI' });
  assert.deepEqual(parseQuantity('250m'), { unscaled: 250n, scale: -3, format: 'DecimalSI', text: '250m' });
  assert.equal(parseQuantity('3e2').format, 'DecimalExponent');
});

test('formatQuantity prints values that were never parsed', () => {
  assert.equal(formatQuantity({ unscaled: 1536n, scale: 0, format: 'BinarySI' }), '1536');
  assert.equal(formatQuantity({ unscaled: 1536n * 1024n, scale: 0, format: 'BinarySI' }), '1536Ki');
  assert.equal(formatQuantity({ unscaled: 15n, scale: 2, format: 'DecimalSI' }), '1500');
  assert.equal(formatQuantity({ unscaled: 15n, scale: 2, format: 'DecimalExponent' }), '1500');
  assert.equal(formatQuantity({ unscaled: 15n, scale: 4, format: 'DecimalExponent' }), '150e3');
});

test('roundUpQuantity rounds away from zero and keeps coarse values untouched', () => {
  const fine = parseQuantity('1.0001');
  assert.equal(formatQuantity(roundUpQuantity(fine, -3)), '1001m');
  assert.equal(formatQuantity(roundUpQuantity(parseQuantity('-1.0001'), -3)), '-1001m');
  const coarse = parseQuantity('+2');
  assert.equal(roundUpQuantity(coarse, -3), coarse);
});

test('value and milliValue round up to whole units', () => {
  assert.equal(milliValue(parseQuantity('100m')), 100);
  assert.equal(milliValue(parseQuantity('1.5')), 1500);
  assert.equal(milliValue(parseQuantity('1u')), 1);
  assert.equal(milliValue(parseQuantity('2')), 2000);
  assert.equal(value(parseQuantity('1Gi')), 1073741824);
  assert.equal(value(parseQuantity('1.5')), 2);
  assert.equal(value(parseQuantity('100m')), 1);
  assert.equal(value(parseQuantity('0')), 0);
  assert.equal(value(parseQuantity('-1.5')), -2);
});

test('scaledValue is exact in bigint and saturates at the int64 range', () => {
  assert.equal(scaledValue(parseQuantity('1Ei'), 0), 2n ** 60n);
  assert.equal(scaledValue(parseQuantity('1e30'), 0), 2n ** 63n - 1n);
  assert.equal(scaledValue(parseQuantity('-1e30'), 0), -(2n ** 63n));
  assert.equal(scaledValue(parseQuantity('1e999999999'), -3), 2n ** 63n - 1n);
  assert.equal(scaledValue(parseQuantity('1k'), 3), 1n);
});

test('compareQuantities orders across suffixes and exponents', () => {
  assert.equal(compareQuantities(parseQuantity('1Gi'), parseQuantity('1G')), 1);
  assert.equal(compareQuantities(parseQuantity('1000m'), parseQuantity('1')), 0);
  assert.equal(compareQuantities(parseQuantity('-1'), parseQuantity('1m')), -1);
  assert.equal(compareQuantities(parseQuantity('1e999999999'), parseQuantity('8Ei')), 1);
  assert.equal(compareQuantities(parseQuantity('0'), parseQuantity('0Ki')), 0);
});

test('addQuantities sums exactly in the format of the first non-zero operand', () => {
  assert.equal(formatQuantity(addQuantities(parseQuantity('100m'), parseQuantity('1.9'))), '2');
  assert.equal(formatQuantity(addQuantities(parseQuantity('512Mi'), parseQuantity('512Mi'))), '1Gi');
  assert.equal(formatQuantity(addQuantities(parseQuantity('0'), parseQuantity('1Ki'))), '1Ki');
  assert.equal(formatQuantity(addQuantities(parseQuantity('1k'), parseQuantity('24'))), '1024');
});

test('subtractQuantities takes the format of the first non-zero operand, like Quantity.Sub', () => {
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('1'), parseQuantity('250m'))), '750m');
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('1Gi'), parseQuantity('512Mi'))), '512Mi');
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('0'), parseQuantity('1Ki'))), '-1Ki');
  assert.equal(formatQuantity(subtractQuantities(parseQuantity('2'), parseQuantity('2'))), '0');
});

test('parseQuantity hands out one immutable result per text and still rejects bad text every time', () => {
  const first = parseQuantity('128Mi');
  assert.equal(parseQuantity('128Mi'), first);
  assert.ok(Object.isFrozen(first));
  assert.throws(() => {
    (first as { scale: number }).scale = 3;
  }, TypeError);
  assert.equal(scaledValue(parseQuantity('128Mi'), 0), 134217728n);
  // A number is read through its text, so 2 and '2' are one quantity.
  assert.equal(parseQuantity(2), parseQuantity('2'));
  for (let i = 0; i < 2; i++) assert.throws(() => parseQuantity('12xyz'), QuantityError);
  // Past the bound the table starts over: results stay correct.
  for (let i = 0; i < 5000; i++) assert.equal(scaledValue(parseQuantity(`${i + 1}m`), -3), BigInt(i + 1));
  assert.equal(scaledValue(parseQuantity('128Mi'), 0), 134217728n);
});
