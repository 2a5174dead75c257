import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString, type FieldError } from '../../apierrors/field-errors.js';
import type { JsonRecord } from './json-value.js';
import { sampleService } from './sample-objects.js';
import { validateService, validateServiceStatusUpdate, validateServiceUpdate } from './services.js';

const render = (errs: FieldError[]) => errs.map(fieldErrorString);

function serviceWith(edit: (spec: JsonRecord) => void): JsonRecord {
  const svc = sampleService();
  edit(svc.spec as JsonRecord);
  return svc;
}

function port(spec: JsonRecord, i = 0): JsonRecord {
  return (spec.ports as JsonRecord[])[i];
}

const cases: [string, JsonRecord, string[]][] = [
  ['a defaulted ClusterIP service is valid', sampleService(), []],
  [
    'a headless service needs no ports',
    serviceWith((s) => {
      s.clusterIP = 'None';
      s.clusterIPs = ['None'];
      s.ports = [];
    }),
    [],
  ],
  ['ports required', serviceWith((s) => (s.ports = [])), ['spec.ports: Required value']],
  [
    'port number range',
    serviceWith((s) => (port(s).port = 0)),
    ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive'],
  ],
  [
    'port protocol',
    serviceWith((s) => (port(s).protocol = 'HTTP')),
    ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"'],
  ],
  [
    'port names required when several ports',
    serviceWith((s) => (s.ports = [{ protocol: 'TCP', port: 80, targetPort: 80 }, { protocol: 'TCP', port: 443, targetPort: 443 }])),
    ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value'],
  ],
  [
    'duplicate port names',
    serviceWith(
      (s) =>
        (s.ports = [
          { name: 'http', protocol: 'TCP', port: 80, targetPort: 80 },
          { name: 'http', protocol: 'TCP', port: 8080, targetPort: 80 },
        ]),
    ),
    ['spec.ports[1].name: Duplicate value: "http"'],
  ],
  [
    'type',
    serviceWith((s) => (s.type = 'Internal')),
    ['spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"'],
  ],
  [
    'nodePort on a ClusterIP service',
    serviceWith((s) => (port(s).nodePort = 30080)),
    ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"],
  ],
  [
    'external name must be a DNS name',
    serviceWith((s) => {
      s.type = 'ExternalName';
      s.externalName = 'Bad_Host';
      delete s.clusterIP;
      delete s.clusterIPs;
      delete s.ipFamilies;
      delete s.ipFamilyPolicy;
      delete s.internalTrafficPolicy;
    }),
    [
      "spec.externalName: Invalid value: \"Bad_Host\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
  ],
  [
    'sessionAffinity',
    serviceWith((s) => (s.sessionAffinity = 'Sticky')),
    ['spec.sessionAffinity: Unsupported value: "Sticky": supported values: "ClientIP", "None"'],
  ],
  [
    'clusterIPs must start with clusterIP',
    serviceWith((s) => (s.clusterIPs = ['10.96.0.11'])),
    ['spec.clusterIPs: Invalid value: ["10.96.0.11"]: first value must match `clusterIP`'],
  ],
  [
    'externalTrafficPolicy only for external services',
    serviceWith((s) => (s.externalTrafficPolicy = 'Local')),
    ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services'],
  ],
];

for (const [name, svc, want] of cases) {
  test(`service: ${name}`, () => assert.deepEqual(render(validateService(svc)), want));
}

test('service: NodePort ports must be in the node port range', () => {
  const svc = serviceWith((s) => {
    s.type = 'NodePort';
    s.externalTrafficPolicy = 'Cluster';
    port(s).nodePort = 80;
  });
  assert.deepEqual(render(validateService(svc)), [
    'spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767',
  ]);
});

test('service update: clusterIP may not change, type and ports may', () => {
  const old = sampleService();
  assert.deepEqual(render(validateServiceUpdate(serviceWith((s) => (port(s).port = 8080)), old)), []);
  const moved = serviceWith((s) => {
    s.clusterIP = '10.96.0.99';
    s.clusterIPs = ['10.96.0.99'];
  });
  assert.deepEqual(render(validateServiceUpdate(moved, old)), ['spec.clusterIPs[0]: Invalid value: ["10.96.0.99"]: may not change once set']);
});

test('service status update: load balancer ingress', () => {
  const svc = serviceWith((s) => {
    s.type = 'LoadBalancer';
    s.externalTrafficPolicy = 'Cluster';
    s.allocateLoadBalancerNodePorts = true;
    port(s).nodePort = 30080;
  });
  svc.status = { loadBalancer: { ingress: [{ ip: '203.0.113.10', ipMode: 'VIP' }, { hostname: '198.51.100.1' }, { ip: '203.0.113.11' }] } };
  assert.deepEqual(render(validateServiceStatusUpdate(svc)), [
    'status.loadBalancer.ingress[1].hostname: Invalid value: "198.51.100.1": must be a DNS name, not an IP address',
    'status.loadBalancer.ingress[2].ipMode: Required value: must be specified when `ip` is set',
  ]);
});
