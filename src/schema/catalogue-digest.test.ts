import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Catalogue } from './catalogue.js';
import { catalogueDigest, openSpecForStart } from './catalogue-digest.js';
import { testSpec } from '../testing/test-app.js';

function described(catalogue: Catalogue): unknown {
  return catalogue.all().map((info) => ({ ...info, subresources: [...info.subresources.entries()] }));
}

test('the catalogue built from the digest is the one built from the whole spec', () => {
  const spec = testSpec().document;
  const digest = catalogueDigest(spec);
  assert.deepEqual(described(new Catalogue(digest)), described(new Catalogue(spec)));
  assert.deepEqual(new Catalogue(digest).groups(), new Catalogue(spec).groups());
  // A small fraction of the spec: no schemas, no descriptions, no parameters.
  assert.ok(JSON.stringify(digest).length < testSpec().text.length / 8);
});

test('a start writes the digest; the next start builds from it and reads the spec only when asked; a changed spec is digested again', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-digest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const specPath = join(dir, 'swagger.json');
  copyFileSync(testSpec().path, specPath);
  const cacheDir = join(dir, 'cache');

  const first = openSpecForStart(specPath, cacheDir);
  assert.equal(first.cached, false);
  assert.equal(first.catalogueSource, first.spec.document);
  await first.saveDigest();

  const second = openSpecForStart(specPath, cacheDir);
  assert.equal(second.cached, true);
  assert.deepEqual(described(new Catalogue(second.catalogueSource)), described(new Catalogue(first.spec.document)));
  // The whole spec is still there, read on first use.
  assert.equal(second.spec.text, readFileSync(specPath, 'utf8'));
  assert.deepEqual(Object.keys(second.spec.document.definitions), Object.keys(first.spec.document.definitions));

  // Another spec file (its modification time moved): the digest is not trusted.
  const later = new Date(Date.now() + 60_000);
  utimesSync(specPath, later, later);
  const third = openSpecForStart(specPath, cacheDir);
  assert.equal(third.cached, false);
  await third.saveDigest();
  assert.equal(openSpecForStart(specPath, cacheDir).cached, true);
});

test('an unreadable digest is made again, not trusted', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'kubemu-digest-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const cacheDir = join(dir, 'cache');
  const first = openSpecForStart(testSpec().path, cacheDir);
  await first.saveDigest();
  const file = join(cacheDir, 'catalogue-digest.json');
  writeFileSync(file, readFileSync(file, 'utf8').slice(0, 1000));
  assert.equal(openSpecForStart(testSpec().path, cacheDir).cached, false);
});
