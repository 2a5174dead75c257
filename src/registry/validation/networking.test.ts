import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import type { JsonRecord } from './json-value.js';
import {
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
  validateIngressStatusUpdate,
  validateIngressUpdate,
  validateNetworkPolicy,
} from './networking.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function ingress(spec: JsonRecord = {}): JsonRecord {
  return {
    metadata: { name: 'web', namespace: 'default' },
    spec: {
      ingressClassName: 'nginx',
      rules: [
        {
          host: 'www.example.com',
          http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] },
        },
      ],
      ...spec,
    },
  };
}

function withPath(path: JsonRecord): JsonRecord {
  return ingress({ rules: [{ host: 'www.example.com', http: { paths: [path] } }] });
}

const backend = { service: { name: 'web', port: { number: 80 } } };

const cases: [string, JsonRecord, string[]][] = [
  ['valid', ingress(), []],
  ['wildcard host', ingress({ rules: [{ host: '*.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] }), []],
  ['rules or default backend', ingress({ rules: [] }), ['spec: Invalid value: []: either `defaultBackend` or `rules` must be specified']],
  [
    'host may not be an IP',
    ingress({ rules: [{ host: '10.0.0.1', http: { paths: [{ path: '/', pathType: 'Prefix', backend }] } }] }),
    ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address'],
  ],
  ['pathType required', withPath({ path: '/', backend }), ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
  [
    'pathType values',
    withPath({ path: '/', pathType: 'Regex', backend }),
    ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
  ],
  ['absolute paths', withPath({ path: 'api', pathType: 'Prefix', backend }), ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']],
  [
    'service backend port',
    withPath({ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: {} } } }),
    ['spec.rules[0].http.paths[0].backend: Required value: port name or number is required'],
  ],
  [
    'service name is a DNS-1035 label',
    withPath({ path: '/', pathType: 'Exact', backend: { service: { name: '1web', port: { name: 'http' } } } }),
    [
      "spec.rules[0].http.paths[0].backend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ],
  ],
];

for (const [name, ing, want] of cases) {
  test(`ingress: ${name}`, () => assert.deepEqual(render(validateIngress(ing)), want));
}

test('ingress update and status', () => {
  assert.deepEqual(render(validateIngressUpdate(ingress({ ingressClassName: 'traefik' }), ingress())), []);
  const ing = ingress();
  ing.status = { loadBalancer: { ingress: [{ ip: '300.1.1.1' }, { hostname: 'lb.example.com' }] } };
  assert.deepEqual(render(validateIngressStatusUpdate(ing)), [
    'status.loadBalancer.ingress[0].ip: Invalid value: "300.1.1.1": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
  ]);
});

test('ingressclass: controller and parameters', () => {
  assert.deepEqual(render(validateIngressClass({ spec: { controller: 'k8s.io/ingress-nginx' } })), []);
  assert.deepEqual(render(validateIngressClass({ spec: { controller: 'nginx' } })), [
    'spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")',
  ]);
  assert.deepEqual(
    render(validateIngressClass({ spec: { controller: 'k8s.io/x', parameters: { kind: 'Params', name: 'p', scope: 'Namespace' } } })),
    ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"],
  );
  assert.deepEqual(render(validateIngressClassUpdate({ spec: { controller: 'k8s.io/y' } }, { spec: { controller: 'k8s.io/x' } })), [
    'spec.controller: Invalid value: "k8s.io/y": field is immutable',
  ]);
});

test('networkpolicy: peers, ports and policy types', () => {
  const ok = {
    spec: {
      podSelector: { matchLabels: { app: 'db' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'web' } } }], ports: [{ protocol: 'TCP', port: 5432 }] }],
    },
  };
  assert.deepEqual(render(validateNetworkPolicy(ok)), []);
  const bad = {
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Sideways'],
      ingress: [
        {
          from: [{}, { ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] }, podSelector: {} }],
          ports: [{ protocol: 'ICMP', port: 80, endPort: 70 }],
        },
      ],
    },
  };
  assert.deepEqual(render(validateNetworkPolicy(bad)), [
    'spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"',
    'spec.ingress[0].ports[0].endPort: Invalid value: 80: must be greater than or equal to `port`',
    'spec.ingress[0].from[0]: Required value: must specify a peer',
    'spec.ingress[0].from[1].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`',
    'spec.ingress[0].from[1]: Forbidden: may not specify both ipBlock and another peer',
    'spec.policyTypes[1]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"',
  ]);
});
