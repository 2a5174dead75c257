import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseTokenFile } from './token-file.js';

test('a token file line: token, user, uid and a quoted comma list of groups', () => {
  const users = parseTokenFile('t1,alice,uid-1,"dev,ops"\n\nt2,bob,uid-2\r\nt3,"c,arol",uid-3,"a ""b"""\n');
  assert.deepEqual(users.get('t1'), { username: 'alice', uid: 'uid-1', groups: ['dev', 'ops'] });
  assert.deepEqual(users.get('t2'), { username: 'bob', uid: 'uid-2', groups: [] });
  assert.deepEqual(users.get('t3'), { username: 'c,arol', uid: 'uid-3', groups: ['a "b"'] });
});

test('a line with fewer than three columns is refused with its line number', () => {
  assert.throws(() => parseTokenFile('t1,alice,uid\nt2,bob\n', 'tokens.csv'), /token file 'tokens.csv' must have at least 3 columns \(token, user name, user uid\), found 2 on line 2/);
});
