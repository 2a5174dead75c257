// What the hostile-input test sends: bodies that are malformed, truncated, nested 10,000 deep,
// numbers no int64 holds, invalid UTF-8, prototype-pollution keys and YAML alias bombs; paths
// that climb with `..` or smuggle `/` as %2F; and query parameters no real client sends. Every
// request is a plain description; the test decides what a sensible answer is.

export interface HostileRequest {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** What the request is, for failure messages. */
  label: string;
}

const json = 'application/json';
const patchTypes = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
};

const nested = (depth: number, open: string, close: string, inner = '1') => open.repeat(depth) + inner + close.repeat(depth);

/** Object bodies (creates and updates) that no server should store. */
function objectBodies(kind: { apiVersion: string; kind: string; name: string }): [string, string | Buffer][] {
  const head = `"apiVersion":"${kind.apiVersion}","kind":"${kind.kind}"`;
  const valid = `{${head},"metadata":{"name":"${kind.name}"}}`;
  const bodies: [string, string | Buffer][] = [
    ['empty', ''],
    ['whitespace', '   \n\t'],
    ['open brace', '{'],
    ['unterminated string', '{"metadata":{"name":"x'],
    ['null', 'null'],
    ['array', '[]'],
    ['string', '"configmap"'],
    ['number', '42'],
    ['true', 'true'],
    ['kind is a number', `{"apiVersion":"v1","kind":5,"metadata":{"name":"${kind.name}"}}`],
    ['metadata is a string', `{${head},"metadata":"x"}`],
    ['name is an object', `{${head},"metadata":{"name":{"a":1}}}`],
    ['labels is a list', `{${head},"metadata":{"name":"${kind.name}","labels":["a"]}}`],
    ['resourceVersion is garbage', `{${head},"metadata":{"name":"${kind.name}","resourceVersion":"abc"}}`],
    ['trailing garbage', `${valid}}}}`],
    ['two documents', `${valid}${valid}`],
    ['deep arrays', nested(10_000, '[', ']')],
    ['deep objects', nested(10_000, '{"a":', '}')],
    ['deep nesting inside the object', `{${head},"metadata":{"name":"${kind.name}"},"data":{"a":${nested(10_000, '{"a":', '}', '"x"')}}}`],
    ['deep nesting in spec', `{${head},"metadata":{"name":"${kind.name}"},"spec":${nested(10_000, '[', ']')}}`],
    ['huge exponent', `{${head},"metadata":{"name":"${kind.name}","generation":1e400}}`],
    ['huge integer', `{${head},"metadata":{"name":"${kind.name}","generation":123456789012345678901234567890}}`],
    ['negative zero and tiny number', `{${head},"metadata":{"name":"${kind.name}","generation":-0},"spec":{"replicas":1e-400}}`],
    ['replicas beyond int32', `{${head},"metadata":{"name":"${kind.name}"},"spec":{"replicas":9007199254740993}}`],
    ['a million-digit number', `{${head},"metadata":{"name":"${kind.name}","generation":${'9'.repeat(1_000_000)}}}`],
    ['invalid UTF-8 in a label', Buffer.concat([Buffer.from(`{${head},"metadata":{"name":"${kind.name}","labels":{"a":"`), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('"}}}')])],
    ['invalid UTF-8 in data', Buffer.concat([Buffer.from(`{${head},"metadata":{"name":"${kind.name}"},"data":{"a":"`), Buffer.from([0xed, 0xa0, 0x80, 0xc0, 0xaf]), Buffer.from('"}}')])],
    ['lone surrogate escape', `{${head},"metadata":{"name":"${kind.name}","labels":{"a":"\\ud800"}}}`],
    ['NUL in a name', `{${head},"metadata":{"name":"a\\u0000b"}}`],
    ['__proto__ at the top', `{"__proto__":{"polluted":"yes"},${head},"metadata":{"name":"${kind.name}"}}`],
    ['__proto__ in metadata', `{${head},"metadata":{"name":"${kind.name}","__proto__":{"polluted":"yes"}}}`],
    ['__proto__ as a label', `{${head},"metadata":{"name":"${kind.name}","labels":{"__proto__":"x"}}}`],
    ['__proto__ as a data key', `{${head},"metadata":{"name":"${kind.name}"},"data":{"__proto__":{"polluted":"yes"}}}`],
    ['constructor.prototype', `{${head},"metadata":{"name":"${kind.name}"},"constructor":{"prototype":{"polluted":"yes"}}}`],
    // Valid keys, invalid values: the object is refused after its labels went through every step.
    ['constructor as a label', `{${head},"metadata":{"name":"${kind.name}","labels":{"constructor":"-","toString":"-","hasOwnProperty":"-"}}}`],
    ['duplicate keys', `{${head},"metadata":{"name":"other","name":"${kind.name}","labels":{"a":"-"}}}`],
    ['a thousand fields', `{${head},"metadata":{"name":"${kind.name}"},${Array.from({ length: 1000 }, (_, i) => `"f${i}":${i}`).join(',')}}`],
  ];
  for (const cut of [1, 7, 20, Math.floor(valid.length / 2), valid.length - 1]) bodies.push([`truncated at ${cut}`, valid.slice(0, cut)]);
  return bodies;
}

/** Patches of every type, each hostile in its own way. */
function patchBodies(): { type: keyof typeof patchTypes; label: string; body: string }[] {
  return [
    ...(['merge', 'strategic'] as const).flatMap((type) => [
      { type, label: 'not JSON', body: '{{' },
      { type, label: 'a list', body: '[1,2]' },
      { type, label: 'null', body: 'null' },
      { type, label: '__proto__', body: '{"__proto__":{"polluted":"yes"}}' },
      { type, label: 'metadata.__proto__', body: '{"metadata":{"__proto__":{"polluted":"yes"}}}' },
      { type, label: 'constructor.prototype', body: '{"constructor":{"prototype":{"polluted":"yes"}}}' },
      { type, label: 'deep', body: `{"data":{"a":${nested(10_000, '{"a":', '}')}}}` },
      { type, label: 'huge number', body: '{"metadata":{"generation":1e400}}' },
      { type, label: 'name change', body: '{"metadata":{"name":"renamed"}}' },
      { type, label: 'kind change', body: '{"kind":"Secret"}' },
    ]),
    { type: 'strategic', label: '$patch delete', body: '{"$patch":"delete"}' },
    { type: 'strategic', label: '$patch bogus', body: '{"metadata":{"$patch":"bogus"}}' },
    { type: 'strategic', label: '$setElementOrder not a list', body: '{"metadata":{"$setElementOrder/finalizers":5}}' },
    { type: 'strategic', label: '$deleteFromPrimitiveList not a list', body: '{"metadata":{"$deleteFromPrimitiveList/finalizers":"x"}}' },
    { type: 'strategic', label: '$retainKeys not a list', body: '{"spec":{"$retainKeys":7}}' },
    { type: 'strategic', label: 'list items without merge key', body: '{"spec":{"template":{"spec":{"containers":[{"image":"x"},7,null]}}}}' },
    { type: 'json', label: 'not JSON', body: '[{' },
    { type: 'json', label: 'an object', body: '{"op":"add"}' },
    { type: 'json', label: 'unknown op', body: '[{"op":"explode","path":"/a"}]' },
    { type: 'json', label: 'missing path', body: '[{"op":"add","value":1}]' },
    { type: 'json', label: 'path without slash', body: '[{"op":"add","path":"a","value":1}]' },
    { type: 'json', label: 'add __proto__', body: '[{"op":"add","path":"/__proto__/polluted","value":"yes"}]' },
    { type: 'json', label: 'add metadata/__proto__', body: '[{"op":"add","path":"/metadata/__proto__","value":{"polluted":"yes"}}]' },
    { type: 'json', label: 'add constructor/prototype', body: '[{"op":"add","path":"/constructor/prototype/polluted","value":"yes"}]' },
    { type: 'json', label: 'replace missing', body: '[{"op":"replace","path":"/nope/deeper","value":1}]' },
    { type: 'json', label: 'move into itself', body: '[{"op":"move","from":"/metadata","path":"/metadata/child"}]' },
    { type: 'json', label: 'copy from missing', body: '[{"op":"copy","from":"/nope","path":"/a"}]' },
    { type: 'json', label: 'failing test', body: '[{"op":"test","path":"/metadata/name","value":"other"}]' },
    { type: 'json', label: 'bad escapes', body: '[{"op":"add","path":"/metadata/labels/~2","value":"x"}]' },
    { type: 'json', label: 'array index out of range', body: '[{"op":"add","path":"/metadata/finalizers/99999999999","value":"x"}]' },
    { type: 'json', label: 'negative index', body: '[{"op":"add","path":"/metadata/finalizers/-2","value":"x"}]' },
    { type: 'json', label: 'remove the root', body: '[{"op":"remove","path":""}]' },
    { type: 'json', label: 'a hundred thousand ops', body: `[${Array.from({ length: 100_000 }, () => '{"op":"test","path":"/kind","value":"x"}').join(',')}]` },
    { type: 'json', label: 'deep value', body: `[{"op":"add","path":"/data/a","value":${nested(10_000, '[', ']')}}]` },
    { type: 'apply', label: 'not YAML', body: '{ : : [' },
    { type: 'apply', label: 'YAML alias bomb', body: yamlBomb() },
    { type: 'apply', label: 'tabs and anchors', body: 'a: &x\n\t- *x\n' },
    { type: 'apply', label: 'deep flow YAML', body: nested(10_000, '[', ']') },
    { type: 'apply', label: 'no apiVersion', body: 'metadata:\n  name: x\n' },
    { type: 'apply', label: '__proto__ key', body: '__proto__:\n  polluted: yes\nmetadata:\n  name: x\n' },
    { type: 'apply', label: 'merge key <<', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n  <<: {polluted: yes}\n' },
    { type: 'apply', label: 'custom tag', body: 'apiVersion: !!js/function "function(){}"\nkind: ConfigMap\n' },
    { type: 'apply', label: 'binary tag', body: 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: !!binary "////"\n' },
  ];
}

/** The "billion laughs": a few lines that expand to billions of nodes when aliases are copied. */
function yamlBomb(): string {
  const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  const names = 'bcdefghi';
  let prev = 'a';
  for (const n of names) {
    lines.push(`${n}: &${n} [*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev},*${prev}]`);
    prev = n;
  }
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: bomb\n${lines.join('\n')}\n`;
}

export interface Fixture {
  /** The collection path and one existing object's name. */
  collection: string;
  name: string;
  apiVersion: string;
  kind: string;
  /** Subresources to write to. */
  subresources: string[];
}

/** Every write: creates, updates and patches of every type against the fixtures and their subresources. */
export function writeRequests(fixtures: Fixture[]): HostileRequest[] {
  const out: HostileRequest[] = [];
  for (const f of fixtures) {
    const item = `${f.collection}/${f.name}`;
    for (const [label, body] of objectBodies({ apiVersion: f.apiVersion, kind: f.kind, name: f.name })) {
      const buf = Buffer.isBuffer(body) ? body : Buffer.from(body);
      out.push({ method: 'POST', path: f.collection, headers: { 'content-type': json }, body: buf, label: `create ${f.kind}: ${label}` });
      // Updates carry a stale resourceVersion: a body that is valid after all is a 409, not a change.
      const stale = Buffer.from(buf.toString('latin1').replace(`"metadata":{"name":"${f.name}"`, `"metadata":{"resourceVersion":"1","name":"${f.name}"`), 'latin1');
      out.push({ method: 'PUT', path: item, headers: { 'content-type': json }, body: stale, label: `update ${f.kind}: ${label}` });
      for (const sub of f.subresources) out.push({ method: 'PUT', path: `${item}/${sub}`, headers: { 'content-type': json }, body: stale, label: `update ${f.kind}/${sub}: ${label}` });
      out.push({ method: 'POST', path: `${f.collection}?fieldValidation=Strict&dryRun=All`, headers: { 'content-type': json }, body: buf, label: `strict dry-run create ${f.kind}: ${label}` });
      out.push({ method: 'PUT', path: item, headers: { 'content-type': 'application/yaml' }, body: stale, label: `update ${f.kind} as YAML: ${label}` });
    }
    for (const p of patchBodies()) {
      const query = p.type === 'apply' ? '?fieldManager=hostile' : '';
      const headers = { 'content-type': patchTypes[p.type] };
      const body = Buffer.from(p.body);
      out.push({ method: 'PATCH', path: `${item}${query}`, headers, body, label: `${p.type} patch ${f.kind}: ${p.label}` });
      for (const sub of f.subresources) out.push({ method: 'PATCH', path: `${item}/${sub}${query}`, headers, body, label: `${p.type} patch ${f.kind}/${sub}: ${p.label}` });
    }
    // Content types no one serves, and protobuf that is not protobuf.
    for (const type of ['text/plain', 'application/xml', 'application/vnd.kubernetes.protobuf', 'application/json; charset=utf-16', ';;;', 'application/apply-patch+yaml; charset=x']) {
      out.push({ method: 'POST', path: f.collection, headers: { 'content-type': type }, body: Buffer.from([0x6b, 0x38, 0x73, 0x00, 0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f]), label: `create ${f.kind} as ${type}` });
      out.push({ method: 'PATCH', path: item, headers: { 'content-type': type }, body: Buffer.from('{}'), label: `patch ${f.kind} as ${type}` });
    }
  }
  return out;
}

/** Reads with query parameters no real client sends, at every kind of endpoint. */
export function queryRequests(readPaths: string[], logPath: string): HostileRequest[] {
  const params = [
    'limit=-1',
    'limit=abc',
    'limit=99999999999999999999999',
    'limit=1&continue=garbage',
    'continue=eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6LTEsInN0YXJ0IjoiXHUwMDAwIn0',
    'resourceVersion=abc',
    'resourceVersion=-5',
    'resourceVersion=99999999999999999999',
    'resourceVersionMatch=Exact',
    'resourceVersionMatch=Bogus&resourceVersion=1',
    'labelSelector=a%20in%20(',
    'labelSelector=!!',
    'labelSelector=%3D%3D%3D',
    `labelSelector=${'a,'.repeat(5000)}a`,
    'fieldSelector=metadata.name%3D%3D',
    'fieldSelector=spec.unknown%3D1',
    'fieldSelector=%3D',
    'watch=maybe',
    'watch=1&timeoutSeconds=-5',
    'watch=1&timeoutSeconds=abc',
    'watch=1&allowWatchBookmarks=x&timeoutSeconds=1',
    'watch=1&sendInitialEvents=true&timeoutSeconds=1',
    'watch=1&resourceVersion=abc&timeoutSeconds=1',
    'watch=1&resourceVersion=1&timeoutSeconds=1',
    'watch=1&bogusParam=1&timeoutSeconds=1',
    'sendInitialEvents=true',
    'timeoutSeconds=abc',
    'timeout=abc',
    'timeout=-1s',
    'timeout=1x',
    'pretty=maybe',
    'includeObject=Bogus',
    'dryRun=Bogus',
    'fieldManager=' + 'm'.repeat(200),
    'fieldValidation=Bogus',
    'propagationPolicy=Bogus',
    'gracePeriodSeconds=abc',
    'a=%ZZ',
    '%00=%00',
    '&&&==&',
    'limit=1&limit=2&limit=x',
  ];
  const out: HostileRequest[] = [];
  for (const path of readPaths) {
    for (const p of params) {
      const target = `${path}${path.includes('?') ? '&' : '?'}${p}`;
      out.push({ method: 'GET', path: target, label: `GET ${target}` });
    }
  }
  for (const p of ['follow=maybe', 'tailLines=-1', 'tailLines=abc', 'limitBytes=-1', 'limitBytes=abc', 'sinceSeconds=-1', 'sinceTime=yesterday', 'container=nope', 'previous=x', 'timestamps=x', 'insecureSkipTLSVerifyBackend=x']) {
    out.push({ method: 'GET', path: `${logPath}?${p}`, label: `GET ${logPath}?${p}` });
  }
  // Deletes with options that are not options; the precondition names another uid, so a delete
  // that gets past them is refused (409) rather than done.
  const wrongUid = Buffer.from('{"preconditions":{"uid":"00000000-0000-0000-0000-000000000000"}}');
  for (const p of ['gracePeriodSeconds=-99', 'gracePeriodSeconds=abc', 'propagationPolicy=Bogus', 'dryRun=Bogus', 'preconditions=x', 'orphanDependents=maybe']) {
    out.push({ method: 'DELETE', path: `${readPaths[1]}?${p}`, headers: { 'content-type': json }, body: wrongUid, label: `DELETE ${readPaths[1]}?${p}` });
  }
  for (const body of ['{', '{"kind":"DeleteOptions","apiVersion":"v1","preconditions":{"uid":"nope"}}', '{"propagationPolicy":"Bogus"}', '{"gracePeriodSeconds":1e400,"preconditions":{"uid":"nope"}}', '{"__proto__":{"polluted":"yes"},"preconditions":{"uid":"nope"}}', '[]', 'null']) {
    out.push({ method: 'DELETE', path: readPaths[1]!, headers: { 'content-type': json }, body: Buffer.from(body), label: `DELETE ${readPaths[1]} with ${body.slice(0, 40)}` });
  }
  return out;
}

/** Paths that climb, smuggle slashes, or are not paths at all. */
export function pathRequests(): HostileRequest[] {
  const paths = [
    '/api/v1/namespaces/default/../kube-system/configmaps',
    '/api/v1/namespaces/default/configmaps/..',
    '/api/v1/namespaces/default/configmaps/.',
    '/api/v1/namespaces/default/configmaps/../../../../etc/passwd',
    '/api/v1/namespaces/default%2Fconfigmaps',
    '/api/v1/namespaces/default/configmaps/a%2Fb',
    '/api/v1/namespaces/default/configmaps/a%2F..%2F..%2Fsecrets',
    '/api/v1/namespaces/%2e%2e/configmaps',
    '/api/v1/namespaces/default/configmaps/%2e%2e',
    '/%2e%2e/%2e%2e/etc/passwd',
    '/api/v1/namespaces/%00/configmaps',
    '/api/v1/namespaces/default/configmaps/%',
    '/api/v1/namespaces/default/configmaps/%E0%A4%A',
    '/api/v1/namespaces/default/configmaps/%FF%FE',
    '//api//v1//namespaces',
    '/api/v1/namespaces/default/configmaps/h-cm/status/extra/segments',
    '/api/v1/namespaces/default/pods/h-pod/log/../../secrets',
    '/apis/apps/v1/namespaces/default/deployments/h-dep/scale/..',
    '/apis/%61pps/v1/deployments',
    '/apis/apps/v1/namespaces/default/deployments/h-dep/scale%2F..',
    '/apis/../api/v1/namespaces',
    '/api/v1/watch/namespaces/default/configmaps/..?timeoutSeconds=1',
    '/api/v1/proxy/namespaces/default/services/x',
    '/openapi/v3/../v2',
    '/openapi/v3/apis/%2e%2e/v1',
    '/openapi/v3/apis/nope/v9',
    '/apis/nope.example.com/v1',
    '/api/v9',
    '/apis/apps/v9/deployments',
    '/.well-known/../version',
    `/api/v1/namespaces/${'a'.repeat(8000)}/configmaps`,
    '/api/v1/namespaces/default/configmaps/' + '%41'.repeat(2000),
    '/livez/../readyz',
    '/healthz/%00',
  ];
  const out: HostileRequest[] = [];
  for (const path of paths) {
    for (const method of ['GET', 'DELETE', 'PUT', 'OPTIONS', 'TRACE', 'PROPFIND']) {
      out.push({ method, path, headers: method === 'PUT' ? { 'content-type': json } : undefined, body: method === 'PUT' ? Buffer.from('{}') : undefined, label: `${method} ${path.slice(0, 120)}` });
    }
  }
  return out;
}
