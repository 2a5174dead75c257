import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goQuote, goSyntaxValue } from './go-quote.js';

test('goQuote spells strings as Go %q does', () => {
  assert.equal(goQuote('spec.containers[0].image'), '"spec.containers[0].image"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote('tab\there\nnl\x01\x7f'), '"tab\\there\\nnl\\x01\\x7f"');
  assert.equal(goQuote('naïve ✓'), '"naïve ✓"');
});

test('goSyntaxValue prints decoded YAML keys as %#v', () => {
  assert.equal(goSyntaxValue('name'), '"name"');
  assert.equal(goSyntaxValue(1), '1');
  assert.equal(goSyntaxValue(true), 'true');
  assert.equal(goSyntaxValue(null), '<nil>');
});
