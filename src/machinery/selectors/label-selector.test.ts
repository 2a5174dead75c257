import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  everythingLabelSelector,
  isLabelSelectorEmpty,
  labelSelectorExactValue,
  labelSelectorFromObject,
  labelSelectorFromSet,
  labelSelectorToString,
  matchesLabels,
  nothingLabelSelector,
  parseLabelSelector,
  SelectorParseError,
} from './index.js';

const LABEL_VALUE_RULE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_RULE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('parses valid selectors into their canonical string', () => {
  const cases: [input: string, canonical: string][] = [
    ['', ''],
    ['a=b', 'a=b'],
    ['a==b', 'a==b'],
    ['a!=b', 'a!=b'],
    ['  a  =  b  ', 'a=b'],
    ['\ta\n', 'a'],
    ['!a', '!a'],
    ['! a', '!a'],
    ['a in (x,y)', 'a in (x,y)'],
    ['a in (y, x, y)', 'a in (x,y)'],
    ['a notin (x)', 'a notin (x)'],
    ['a in ()', 'a in ()'],
    ['x in (foo,,baz),y,z notin ()', 'x in (,baz,foo),y,z notin ()'],
    ['a in (,x)', 'a in (,x)'],
    ['a in (x,)', 'a in (,x)'],
    ['a=', 'a='],
    ['a=,b', 'a=,b'],
    ['a>3', 'a>3'],
    ['in in (in, notin)', 'in in (in,notin)'],
    ['a=in', 'a=in'],
    ['z=1,a=2,m', 'a=2,m,z=1'],
    ['b=1,a=2,b!=3', 'a=2,b=1,b!=3'],
    ['example.com/app=web', 'example.com/app=web'],
    ['app.kubernetes.io/name in (web,db)', 'app.kubernetes.io/name in (db,web)'],
  ];
  for (const [input, canonical] of cases) {
    assert.equal(labelSelectorToString(parseLabelSelector(input)), canonical, input);
  }
});

test('rejects malformed selectors with the apiserver message', () => {
  const cases: [input: string, message: string][] = [
    ['a b', 'unable to parse requirement: found \'b\', expected: in, notin, =, ==, !=, gt, lt'],
    ['a!b', 'unable to parse requirement: found \'!\', expected: in, notin, =, ==, !=, gt, lt'],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['a=(b)', "unable to parse requirement: found '(', expected: identifier"],
    ['! =a', "unable to parse requirement: found '=', expected: identifier"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['a=b=c', "found '=', expected: ',' or 'end of string'"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a,', "found '', expected: identifier after ','"],
    ['a,,b', "found ',', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['=a', "found '=', expected: !, identifier, or 'end of string'"],
    ['(a)', "found '(', expected: !, identifier, or 'end of string'"],
    ['a>x', 'unable to parse requirement: values[0]: Invalid value: "x": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    ['a>', 'unable to parse requirement: values[0]: Invalid value: "": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    [
      'a<99999999999999999999',
      'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for \'Gt\', \'Lt\' operators, the value must be an integer',
    ],
    [
      'a>x@',
      'unable to parse requirement: [values[0]: Invalid value: "x@": for \'Gt\', \'Lt\' operators, the value must be an integer, ' +
        `values[0][a]: Invalid value: "x@": ${LABEL_VALUE_RULE}]`,
    ],
    // Go's ParseInt accepts "-3", but it is no label value.
    ['a<-3', `unable to parse requirement: values[0][a]: Invalid value: "-3": ${LABEL_VALUE_RULE}`],
    ['a=b@c', `unable to parse requirement: values[0][a]: Invalid value: "b@c": ${LABEL_VALUE_RULE}`],
    ['a in (ok,b@d)', `unable to parse requirement: values[0][a]: Invalid value: "b@d": ${LABEL_VALUE_RULE}`],
    [`a=${'x'.repeat(64)}`, `unable to parse requirement: values[0][a]: Invalid value: "${'x'.repeat(64)}": must be no more than 63 bytes`],
    ['-a', `unable to parse requirement: <nil>: Invalid value: "-a": ${NAME_PART_RULE}`],
    ['/a', 'unable to parse requirement: <nil>: Invalid value: "/a": prefix part must be non-empty'],
    ['a/', `unable to parse requirement: <nil>: Invalid value: "a/": name part must be non-empty; ${NAME_PART_RULE}`],
    [
      'a/b/c',
      'unable to parse requirement: <nil>: Invalid value: "a/b/c": a valid label key must consist of alphanumeric characters, \'-\', \'_\' or \'.\', and must start and end with an alphanumeric character (e.g. \'MyName\',  or \'my.name\',  or \'123-abc\', regex used for validation is \'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]\') with an optional DNS subdomain prefix and \'/\' (e.g. \'example.com/MyName\')',
    ],
    [
      'Example.com/a',
      'unable to parse requirement: <nil>: Invalid value: "Example.com/a": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, \'-\' or \'.\', and must start and end with an alphanumeric character (e.g. \'example.com\', regex used for validation is \'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\')',
    ],
    [`${'k'.repeat(64)}`, `unable to parse requirement: <nil>: Invalid value: "${'k'.repeat(64)}": name part must be no more than 63 bytes`],
    ['a"b', `unable to parse requirement: <nil>: Invalid value: "a\\"b": ${NAME_PART_RULE}`],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseLabelSelector(input),
      (err: unknown) => err instanceof SelectorParseError && err.message === message,
      `${input}: expected ${message}`,
    );
  }
});

test('a NUL byte reads as the end of input, as in the upstream lexer', () => {
  assert.equal(labelSelectorToString(parseLabelSelector('a=b \0c d')), 'a=b');
  assert.throws(() => parseLabelSelector('a=b, \0c'), { message: "found '', expected: identifier after ','" });
  assert.equal(labelSelectorToString(parseLabelSelector('a=\0b')), 'a=b');
});

test('matches labels with each operator', () => {
  const labels = { app: 'web', tier: 'front', replicas: '5', big: '9223372036854775807' };
  const cases: [selector: string, matches: boolean][] = [
    ['', true],
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (db,web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['replicas>4', true],
    ['replicas>5', false],
    ['replicas<6', true],
    ['replicas<5', false],
    ['app>1', false],
    ['missing>1', false],
    ['big>9223372036854775806', true],
    ['big<9223372036854775807', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
    ['missing=', false],
    ['constructor', false],
    ['toString=x', false],
  ];
  for (const [text, expected] of cases) {
    assert.equal(matchesLabels(parseLabelSelector(text), labels), expected, text);
  }
  assert.equal(matchesLabels(parseLabelSelector('!app'), undefined), true);
  assert.equal(matchesLabels(parseLabelSelector('app'), undefined), false);
  assert.equal(matchesLabels(parseLabelSelector('empty='), { empty: '' }), true);
});

test('converts metav1.LabelSelector objects like LabelSelectorAsSelector', () => {
  assert.equal(labelSelectorFromObject(null), nothingLabelSelector);
  assert.equal(labelSelectorFromObject(undefined), nothingLabelSelector);
  assert.equal(matchesLabels(labelSelectorFromObject(null), {}), false);
  assert.equal(matchesLabels(labelSelectorFromObject({}), { any: 'thing' }), true);
  assert.equal(isLabelSelectorEmpty(labelSelectorFromObject({ matchLabels: {}, matchExpressions: [] })), true);
  assert.equal(isLabelSelectorEmpty(nothingLabelSelector), false);

  const selector = labelSelectorFromObject({
    matchLabels: { tier: 'front', app: 'web' },
    matchExpressions: [
      { key: 'env', operator: 'NotIn', values: ['prod', 'dev'] },
      { key: 'canary', operator: 'DoesNotExist' },
      { key: 'zone', operator: 'In', values: ['b', 'a'] },
      { key: 'owner', operator: 'Exists', values: [] },
    ],
  });
  assert.equal(labelSelectorToString(selector), 'app=web,!canary,env notin (dev,prod),owner,tier=front,zone in (a,b)');
  assert.equal(matchesLabels(selector, { app: 'web', tier: 'front', zone: 'a', owner: 'me' }), true);
  assert.equal(matchesLabels(selector, { app: 'web', tier: 'front', zone: 'a', owner: 'me', env: 'prod' }), false);
  assert.equal(matchesLabels(selector, { app: 'web', tier: 'front', zone: 'a', owner: 'me', canary: '' }), false);

  const errors: [object: Parameters<typeof labelSelectorFromObject>[0], message: string][] = [
    [{ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, '"Gt" is not a valid pod selector operator'],
    [{ matchExpressions: [{ key: 'a', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y'] }] },
      'values: Invalid value: []string{"x", "y"}: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { 'a/b/c': 'x' } }, 'key: Invalid value: "a/b/c": a valid label key must consist'],
    [{ matchLabels: { a: 'b@' } }, `values[0][a]: Invalid value: "b@": ${LABEL_VALUE_RULE}`],
  ];
  for (const [object, message] of errors) {
    assert.throws(
      () => labelSelectorFromObject(object),
      (err: unknown) => err instanceof SelectorParseError && err.message.startsWith(message),
      message,
    );
  }
});

test('builds exact-match selectors from a label set', () => {
  assert.equal(labelSelectorFromSet(undefined), everythingLabelSelector);
  assert.equal(labelSelectorFromSet({}), everythingLabelSelector);
  const selector = labelSelectorFromSet({ b: '2', a: '1' });
  assert.equal(labelSelectorToString(selector), 'a=1,b=2');
  assert.equal(matchesLabels(selector, { a: '1', b: '2', c: '3' }), true);
  assert.equal(matchesLabels(selector, { a: '1' }), false);
});

test('reports the value a selector requires for a key', () => {
  const selector = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5,e==6');
  assert.equal(labelSelectorExactValue(selector, 'a'), '1');
  assert.equal(labelSelectorExactValue(selector, 'b'), '2');
  assert.equal(labelSelectorExactValue(selector, 'c'), undefined);
  assert.equal(labelSelectorExactValue(selector, 'd'), undefined);
  assert.equal(labelSelectorExactValue(selector, 'e'), '6');
  assert.equal(labelSelectorExactValue(selector, 'zz'), undefined);
  assert.equal(labelSelectorExactValue(nothingLabelSelector, 'a'), undefined);
});

test('the canonical string parses back to the same selector', () => {
  for (const text of ['x in (foo,,baz),y,z notin ()', 'b!=1,a>3,!c,d==e', 'k in (b,a,c)', 'a in ()']) {
    const once = labelSelectorToString(parseLabelSelector(text));
    assert.equal(labelSelectorToString(parseLabelSelector(once)), once, text);
  }
});
