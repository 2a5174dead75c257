// Objects as kubectl (1.27-1.33) sends them, and what defaulting makes of them in kube-apiserver
// 1.36. Expectations come from the SetDefaults_* functions and `+default` markers named in each
// group's file here, and match what a real cluster returns for these fields.
//
// A real cluster's response carries more, from other layers, which these tests leave out:
// metadata (uid, resourceVersion, creationTimestamp, generation) from the registry; Pod
// serviceAccountName and the kube-api-access volume (ServiceAccount admission), tolerations for
// not-ready/unreachable (DefaultTolerationSeconds admission), priority and preemptionPolicy
// (Priority admission), status.phase/qosClass (pod strategy); Service clusterIP(s), ipFamilies,
// ipFamilyPolicy and nodePorts (service REST allocation); Job selector and controller-uid labels
// (job strategy); Namespace spec.finalizers (namespace strategy); PVC storageClassName
// (DefaultStorageClass admission); and Go's printing of empty value structs (`resources: {}`,
// `status: {}`) when the client did not send them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { ApiError } from '../../apierrors/index.js';
import { locateSpec } from '../../schema/spec-files.js';
import { createDefaulter } from './defaulter.js';

const spec = JSON.parse(readFileSync(locateSpec(), 'utf8')) as { definitions: Record<string, unknown> };
const applyDefaults = createDefaulter(spec.definitions);

type Json = Record<string, unknown>;

/** SetDefaults_PodSpec: on pods and on every pod template. */
const podSpecDefaults = {
  dnsPolicy: 'ClusterFirst',
  restartPolicy: 'Always',
  securityContext: {},
  terminationGracePeriodSeconds: 30,
  schedulerName: 'default-scheduler',
};

/** SetDefaults_Container; the pull policy depends on the image tag. */
function containerDefaults(imagePullPolicy: 'Always' | 'IfNotPresent') {
  return { imagePullPolicy, terminationMessagePath: '/dev/termination-log', terminationMessagePolicy: 'File' };
}

interface Case {
  name: string;
  definition: string;
  input: Json;
  expected: Json;
}

const cases: Case[] = [
  {
    name: 'Pod from `kubectl run nginx --image=nginx`',
    definition: 'io.k8s.api.core.v1.Pod',
    input: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'nginx', creationTimestamp: null, labels: { run: 'nginx' } },
      spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }], restartPolicy: 'Always', dnsPolicy: 'ClusterFirst' },
      status: {},
    },
    expected: {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: { name: 'nginx', creationTimestamp: null, labels: { run: 'nginx' } },
      spec: {
        containers: [{ name: 'nginx', image: 'nginx', resources: {}, ...containerDefaults('Always') }],
        ...podSpecDefaults,
        enableServiceLinks: true,
      },
      status: {},
    },
  },
  {
    name: 'Pod with probes, volumes, env, limits only, host network and a sidecar',
    definition: 'io.k8s.api.core.v1.Pod',
    input: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'full' },
      spec: {
        hostNetwork: true,
        initContainers: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31', restartPolicy: 'Always' }],
        containers: [
          {
            name: 'app',
            image: `registry.example/app@sha256:${'0'.repeat(64)}`,
            ports: [{ containerPort: 8080 }, { containerPort: 9090, hostPort: 19090, protocol: 'UDP' }],
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } }],
            resources: { limits: { cpu: '0.5', memory: '1024Mi' }, requests: { memory: '256Mi' } },
            livenessProbe: { httpGet: { port: 8080 } },
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5 },
            lifecycle: { preStop: { httpGet: { port: 8080, path: '/quit' } } },
          },
        ],
        volumes: [
          { name: 'scratch' },
          { name: 'cfg', configMap: { name: 'cfg' } },
          { name: 'creds', secret: { secretName: 'creds', defaultMode: 0o400 } },
          { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
          {
            name: 'token',
            projected: {
              sources: [
                { serviceAccountToken: { path: 'token' } },
                { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
              ],
            },
          },
          { name: 'host', hostPath: { path: '/var/log' } },
          { name: 'model', image: { reference: 'quay.io/models/llm:latest' } },
          {
            name: 'cache',
            ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0.5Gi' } } } } },
          },
        ],
      },
    },
    expected: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'full' },
      spec: {
        hostNetwork: true,
        initContainers: [{ name: 'proxy', image: 'envoyproxy/envoy:v1.31', restartPolicy: 'Always', ...containerDefaults('IfNotPresent') }],
        containers: [
          {
            name: 'app',
            image: `registry.example/app@sha256:${'0'.repeat(64)}`,
            // With hostNetwork every port is a host port; protocols default to TCP.
            ports: [
              { containerPort: 8080, hostPort: 8080, protocol: 'TCP' },
              { containerPort: 9090, hostPort: 19090, protocol: 'UDP' },
            ],
            env: [{ name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName', apiVersion: 'v1' } } }],
            // Requests default to the limits not requested, then both are canonicalized.
            resources: { limits: { cpu: '500m', memory: '1Gi' }, requests: { memory: '256Mi', cpu: '500m' } },
            livenessProbe: {
              httpGet: { port: 8080, path: '/', scheme: 'HTTP' },
              timeoutSeconds: 1,
              periodSeconds: 10,
              successThreshold: 1,
              failureThreshold: 3,
            },
            readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
            lifecycle: { preStop: { httpGet: { port: 8080, path: '/quit', scheme: 'HTTP' } } },
            // Pinned by digest only: no tag, so not "latest".
            ...containerDefaults('IfNotPresent'),
          },
        ],
        volumes: [
          { name: 'scratch', emptyDir: {} },
          { name: 'cfg', configMap: { name: 'cfg', defaultMode: 420 } },
          { name: 'creds', secret: { secretName: 'creds', defaultMode: 256 } },
          {
            name: 'info',
            downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels', apiVersion: 'v1' } }], defaultMode: 420 },
          },
          {
            name: 'token',
            projected: {
              sources: [
                { serviceAccountToken: { path: 'token', expirationSeconds: 3600 } },
                { downwardAPI: { items: [{ path: 'ns', fieldRef: { fieldPath: 'metadata.namespace', apiVersion: 'v1' } }] } },
              ],
              defaultMode: 420,
            },
          },
          { name: 'host', hostPath: { path: '/var/log', type: '' } },
          { name: 'model', image: { reference: 'quay.io/models/llm:latest', pullPolicy: 'Always' } },
          {
            name: 'cache',
            ephemeral: {
              volumeClaimTemplate: {
                spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '512Mi' } }, volumeMode: 'Filesystem' },
              },
            },
          },
        ],
        enableServiceLinks: true,
        ...podSpecDefaults,
      },
    },
  },
  {
    name: 'Pod with pod-level limits: requests follow the containers and the limits',
    definition: 'io.k8s.api.core.v1.Pod',
    input: {
      spec: {
        resources: { limits: { cpu: '2', memory: '1Gi' } },
        containers: [
          { name: 'a', image: 'a:1', resources: { requests: { cpu: '100m' } } },
          { name: 'b', image: 'b:1', resources: { requests: { cpu: '0.2' } } },
        ],
      },
    },
    expected: {
      spec: {
        // cpu: the containers' sum; memory: nothing requested, so the pod-level limit.
        resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '300m', memory: '1Gi' } },
        containers: [
          { name: 'a', image: 'a:1', resources: { requests: { cpu: '100m' } }, ...containerDefaults('IfNotPresent') },
          { name: 'b', image: 'b:1', resources: { requests: { cpu: '200m' } }, ...containerDefaults('IfNotPresent') },
        ],
        enableServiceLinks: true,
        ...podSpecDefaults,
      },
    },
  },
  {
    name: 'Deployment from `kubectl create deployment web --image=nginx`',
    definition: 'io.k8s.api.apps.v1.Deployment',
    input: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {} }] },
        },
        strategy: {},
      },
      status: {},
    },
    expected: {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' } },
          spec: { containers: [{ name: 'nginx', image: 'nginx', resources: {}, ...containerDefaults('Always') }], ...podSpecDefaults },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
      status: {},
    },
  },
  {
    name: 'Deployment without replicas and with a Recreate strategy',
    definition: 'io.k8s.api.apps.v1.Deployment',
    input: { spec: { strategy: { type: 'Recreate' }, template: { spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: '1' } } }] } } } },
    expected: {
      spec: {
        replicas: 1,
        strategy: { type: 'Recreate' },
        template: {
          // Templates do not get requests from limits; only pods do.
          spec: { containers: [{ name: 'c', image: 'busybox:1.36', resources: { limits: { cpu: '1' } }, ...containerDefaults('IfNotPresent') }], ...podSpecDefaults },
        },
        revisionHistoryLimit: 10,
        progressDeadlineSeconds: 600,
      },
    },
  },
  {
    name: 'Service from `kubectl expose deployment web --port=80 --target-port=8080`',
    definition: 'io.k8s.api.core.v1.Service',
    input: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'web' } },
      status: { loadBalancer: {} },
    },
    expected: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
      spec: {
        ports: [{ port: 80, protocol: 'TCP', targetPort: 8080 }],
        selector: { app: 'web' },
        sessionAffinity: 'None',
        type: 'ClusterIP',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'Service from `kubectl create service nodeport np --tcp=80:8080`',
    definition: 'io.k8s.api.core.v1.Service',
    input: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'np', labels: { app: 'np' } },
      spec: { ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }], selector: { app: 'np' }, type: 'NodePort' },
      status: { loadBalancer: {} },
    },
    expected: {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'np', labels: { app: 'np' } },
      spec: {
        ports: [{ name: '80-8080', port: 80, protocol: 'TCP', targetPort: 8080 }],
        selector: { app: 'np' },
        type: 'NodePort',
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'LoadBalancer Service with client-IP affinity and a reported ingress IP',
    definition: 'io.k8s.api.core.v1.Service',
    input: {
      spec: { type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [{ port: 443 }, { port: 53, protocol: 'UDP', targetPort: 'dns' }] },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7' }, { hostname: 'lb.example' }] } },
    },
    expected: {
      spec: {
        type: 'LoadBalancer',
        sessionAffinity: 'ClientIP',
        sessionAffinityConfig: { clientIP: { timeoutSeconds: 10800 } },
        ports: [
          { port: 443, protocol: 'TCP', targetPort: 443 },
          { port: 53, protocol: 'UDP', targetPort: 'dns' },
        ],
        externalTrafficPolicy: 'Cluster',
        internalTrafficPolicy: 'Cluster',
        allocateLoadBalancerNodePorts: true,
      },
      status: { loadBalancer: { ingress: [{ ip: '203.0.113.7', ipMode: 'VIP' }, { hostname: 'lb.example' }] } },
    },
  },
  {
    name: 'ExternalName Service: no traffic policies, and None affinity drops its config',
    definition: 'io.k8s.api.core.v1.Service',
    input: { spec: { type: 'ExternalName', externalName: 'db.example', sessionAffinityConfig: { clientIP: { timeoutSeconds: 60 } } } },
    expected: { spec: { type: 'ExternalName', externalName: 'db.example', sessionAffinity: 'None' } },
  },
  {
    name: 'Job from `kubectl create job pi --image=perl:5.34.0 -- perl -e 1`',
    definition: 'io.k8s.api.batch.v1.Job',
    input: {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: { name: 'pi', creationTimestamp: null },
      spec: {
        template: {
          metadata: { creationTimestamp: null },
          spec: { containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-e', '1'], resources: {} }], restartPolicy: 'Never' },
        },
      },
      status: {},
    },
    expected: {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: { name: 'pi', creationTimestamp: null },
      spec: {
        template: {
          metadata: { creationTimestamp: null },
          spec: {
            containers: [{ name: 'pi', image: 'perl:5.34.0', command: ['perl', '-e', '1'], resources: {}, ...containerDefaults('IfNotPresent') }],
            ...podSpecDefaults,
            restartPolicy: 'Never',
          },
        },
        completions: 1,
        parallelism: 1,
        backoffLimit: 6,
        completionMode: 'NonIndexed',
        suspend: false,
        podReplacementPolicy: 'TerminatingOrFailed',
        manualSelector: false,
      },
      status: {},
    },
  },
  {
    name: 'Indexed Job with a pod failure policy and a per-index backoff limit',
    definition: 'io.k8s.api.batch.v1.Job',
    input: {
      metadata: { name: 'idx' },
      spec: {
        completions: 4,
        completionMode: 'Indexed',
        backoffLimitPerIndex: 1,
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }] },
        template: { metadata: { labels: { app: 'idx' } }, spec: { containers: [{ name: 'w', image: 'w:1' }], restartPolicy: 'Never' } },
      },
    },
    expected: {
      // A Job without labels takes its template's.
      metadata: { name: 'idx', labels: { app: 'idx' } },
      spec: {
        completions: 4,
        completionMode: 'Indexed',
        backoffLimitPerIndex: 1,
        podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] }] },
        template: {
          metadata: { labels: { app: 'idx' } },
          spec: { containers: [{ name: 'w', image: 'w:1', ...containerDefaults('IfNotPresent') }], ...podSpecDefaults, restartPolicy: 'Never' },
        },
        parallelism: 1,
        backoffLimit: 2147483647,
        suspend: false,
        podReplacementPolicy: 'Failed',
        manualSelector: false,
      },
    },
  },
  {
    name: 'CronJob from `kubectl create cronjob tick --image=busybox --schedule="*/1 * * * *"`',
    definition: 'io.k8s.api.batch.v1.CronJob',
    input: {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name: 'tick', creationTimestamp: null },
      spec: {
        jobTemplate: {
          metadata: { name: 'tick', creationTimestamp: null },
          spec: {
            template: {
              metadata: { creationTimestamp: null },
              spec: { containers: [{ name: 'tick', image: 'busybox', resources: {} }], restartPolicy: 'OnFailure' },
            },
          },
        },
        schedule: '*/1 * * * *',
      },
      status: {},
    },
    expected: {
      kind: 'CronJob',
      apiVersion: 'batch/v1',
      metadata: { name: 'tick', creationTimestamp: null },
      spec: {
        jobTemplate: {
          metadata: { name: 'tick', creationTimestamp: null },
          // A job template is not a Job: no completions, backoffLimit or suspend here.
          spec: {
            template: {
              metadata: { creationTimestamp: null },
              spec: {
                containers: [{ name: 'tick', image: 'busybox', resources: {}, ...containerDefaults('Always') }],
                ...podSpecDefaults,
                restartPolicy: 'OnFailure',
              },
            },
          },
        },
        schedule: '*/1 * * * *',
        concurrencyPolicy: 'Allow',
        suspend: false,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 1,
      },
      status: {},
    },
  },
  {
    name: 'StatefulSet with a volume claim template',
    definition: 'io.k8s.api.apps.v1.StatefulSet',
    input: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        serviceName: 'nginx',
        replicas: 3,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'registry.k8s.io/nginx-slim:0.24',
                ports: [{ containerPort: 80, name: 'web' }],
                volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
              },
            ],
          },
        },
        volumeClaimTemplates: [{ metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      },
    },
    expected: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: { name: 'web' },
      spec: {
        serviceName: 'nginx',
        replicas: 3,
        selector: { matchLabels: { app: 'nginx' } },
        template: {
          metadata: { labels: { app: 'nginx' } },
          spec: {
            containers: [
              {
                name: 'nginx',
                image: 'registry.k8s.io/nginx-slim:0.24',
                ports: [{ containerPort: 80, name: 'web', protocol: 'TCP' }],
                volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
                ...containerDefaults('IfNotPresent'),
              },
            ],
            ...podSpecDefaults,
          },
        },
        // Claim templates are PersistentVolumeClaims, status included.
        volumeClaimTemplates: [
          {
            metadata: { name: 'www' },
            spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
            status: { phase: 'Pending' },
          },
        ],
        podManagementPolicy: 'OrderedReady',
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 0, maxUnavailable: 1 } },
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        revisionHistoryLimit: 10,
      },
    },
  },
  {
    name: 'StatefulSet with an explicit RollingUpdate type gets no rollingUpdate block',
    definition: 'io.k8s.api.apps.v1.StatefulSet',
    input: { spec: { updateStrategy: { type: 'RollingUpdate' }, template: { spec: { containers: [] } } } },
    expected: {
      spec: {
        updateStrategy: { type: 'RollingUpdate' },
        template: { spec: { containers: [], ...podSpecDefaults } },
        podManagementPolicy: 'OrderedReady',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Retain', whenScaled: 'Retain' },
        replicas: 1,
        revisionHistoryLimit: 10,
      },
    },
  },
  {
    name: 'DaemonSet (fluentd-elasticsearch example)',
    definition: 'io.k8s.api.apps.v1.DaemonSet',
    input: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluentd', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { name: 'fluentd' } },
        template: {
          metadata: { labels: { name: 'fluentd' } },
          spec: {
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'fluentd',
                image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
                resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
                volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
              },
            ],
            terminationGracePeriodSeconds: 30,
            volumes: [{ name: 'varlog', hostPath: { path: '/var/log' } }],
          },
        },
      },
    },
    expected: {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'fluentd', namespace: 'kube-system' },
      spec: {
        selector: { matchLabels: { name: 'fluentd' } },
        template: {
          metadata: { labels: { name: 'fluentd' } },
          spec: {
            tolerations: [{ key: 'node-role.kubernetes.io/control-plane', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [
              {
                name: 'fluentd',
                image: 'quay.io/fluentd_elasticsearch/fluentd:v2.5.2',
                resources: { limits: { memory: '200Mi' }, requests: { cpu: '100m', memory: '200Mi' } },
                volumeMounts: [{ name: 'varlog', mountPath: '/var/log' }],
                ...containerDefaults('IfNotPresent'),
              },
            ],
            ...podSpecDefaults,
            terminationGracePeriodSeconds: 30,
            volumes: [{ name: 'varlog', hostPath: { path: '/var/log', type: '' } }],
          },
        },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 1, maxSurge: 0 } },
        revisionHistoryLimit: 10,
      },
    },
  },
  {
    name: 'Ingress from `kubectl create ingress simple --rule=foo.com/bar=svc1:8080` has no defaults',
    definition: 'io.k8s.api.networking.v1.Ingress',
    input: {
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      metadata: { name: 'simple', creationTimestamp: null },
      spec: {
        rules: [
          {
            host: 'foo.com',
            http: { paths: [{ backend: { service: { name: 'svc1', port: { number: 8080 } } }, path: '/bar', pathType: 'Exact' }] },
          },
        ],
      },
      status: { loadBalancer: {} },
    },
    expected: {
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      metadata: { name: 'simple', creationTimestamp: null },
      spec: {
        rules: [
          {
            host: 'foo.com',
            http: { paths: [{ backend: { service: { name: 'svc1', port: { number: 8080 } } }, path: '/bar', pathType: 'Exact' }] },
          },
        ],
      },
      status: { loadBalancer: {} },
    },
  },
  {
    name: 'PersistentVolumeClaim',
    definition: 'io.k8s.api.core.v1.PersistentVolumeClaim',
    input: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1.5Gi' } } },
    },
    expected: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1536Mi' } }, volumeMode: 'Filesystem' },
      status: { phase: 'Pending' },
    },
  },
  {
    name: 'PersistentVolume with a hostPath and a legacy RBD source',
    definition: 'io.k8s.api.core.v1.PersistentVolume',
    input: {
      spec: { capacity: { storage: '10240Mi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/mnt/data' }, rbd: { monitors: ['10.0.0.1:6789'], image: 'img' } },
    },
    expected: {
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/mnt/data', type: '' },
        rbd: { monitors: ['10.0.0.1:6789'], image: 'img', pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring' },
        persistentVolumeReclaimPolicy: 'Retain',
        volumeMode: 'Filesystem',
      },
      status: { phase: 'Pending' },
    },
  },
  {
    name: 'HorizontalPodAutoscaler v1 from `kubectl autoscale deployment web --max=5 --cpu-percent=80`',
    definition: 'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler',
    input: {
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', creationTimestamp: null },
      spec: { maxReplicas: 5, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, targetCPUUtilizationPercentage: 80 },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    },
    expected: {
      kind: 'HorizontalPodAutoscaler',
      apiVersion: 'autoscaling/v1',
      metadata: { name: 'web', creationTimestamp: null },
      spec: {
        maxReplicas: 5,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        targetCPUUtilizationPercentage: 80,
        minReplicas: 1,
      },
      status: { currentReplicas: 0, desiredReplicas: 0 },
    },
  },
  {
    name: 'HorizontalPodAutoscaler v2 with a partial behavior and a memory target',
    definition: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
    input: {
      spec: {
        maxReplicas: 10,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1.5Gi' } } }],
        behavior: { scaleDown: { stabilizationWindowSeconds: 300 } },
      },
    },
    expected: {
      spec: {
        maxReplicas: 10,
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
        metrics: [{ type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '1536Mi' } } }],
        behavior: {
          scaleDown: { selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }], stabilizationWindowSeconds: 300 },
          scaleUp: {
            stabilizationWindowSeconds: 0,
            selectPolicy: 'Max',
            policies: [
              { type: 'Pods', value: 4, periodSeconds: 15 },
              { type: 'Percent', value: 100, periodSeconds: 15 },
            ],
          },
        },
        minReplicas: 1,
      },
    },
  },
  {
    name: 'HorizontalPodAutoscaler v2 without metrics targets 80% CPU',
    definition: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler',
    input: { spec: { maxReplicas: 3, minReplicas: 2, scaleTargetRef: { kind: 'Deployment', name: 'web' } } },
    expected: {
      spec: {
        maxReplicas: 3,
        minReplicas: 2,
        scaleTargetRef: { kind: 'Deployment', name: 'web' },
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
      },
    },
  },
  {
    name: 'Role from `kubectl create role pod-reader --verb=get --resource=pods` has no defaults',
    definition: 'io.k8s.api.rbac.v1.Role',
    input: {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'pod-reader', creationTimestamp: null },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    },
    expected: {
      kind: 'Role',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'pod-reader', creationTimestamp: null },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }],
    },
  },
  {
    name: 'RoleBinding without API groups',
    definition: 'io.k8s.api.rbac.v1.RoleBinding',
    input: {
      roleRef: { kind: 'Role', name: 'pod-reader' },
      subjects: [
        { kind: 'User', name: 'alice' },
        { kind: 'Group', name: 'devs' },
        { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
      ],
    },
    expected: {
      roleRef: { kind: 'Role', name: 'pod-reader', apiGroup: 'rbac.authorization.k8s.io' },
      subjects: [
        { kind: 'User', name: 'alice', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'Group', name: 'devs', apiGroup: 'rbac.authorization.k8s.io' },
        { kind: 'ServiceAccount', name: 'robot', namespace: 'default' },
      ],
    },
  },
  {
    name: 'ClusterRoleBinding from `kubectl create clusterrolebinding ops --clusterrole=view --group=ops`',
    definition: 'io.k8s.api.rbac.v1.ClusterRoleBinding',
    input: {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'ops', creationTimestamp: null },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' }],
    },
    expected: {
      kind: 'ClusterRoleBinding',
      apiVersion: 'rbac.authorization.k8s.io/v1',
      metadata: { name: 'ops', creationTimestamp: null },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'view' },
      subjects: [{ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name: 'ops' }],
    },
  },
  {
    name: 'Namespace from `kubectl create namespace dev`',
    definition: 'io.k8s.api.core.v1.Namespace',
    input: { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'dev', creationTimestamp: null }, spec: {}, status: {} },
    expected: {
      kind: 'Namespace',
      apiVersion: 'v1',
      metadata: { name: 'dev', creationTimestamp: null, labels: { 'kubernetes.io/metadata.name': 'dev' } },
      spec: {},
      status: { phase: 'Active' },
    },
  },
  {
    name: 'Namespace without a status still gets its phase',
    definition: 'io.k8s.api.core.v1.Namespace',
    input: { metadata: { name: 'bare', labels: { team: 'a' } } },
    expected: { metadata: { name: 'bare', labels: { team: 'a', 'kubernetes.io/metadata.name': 'bare' } }, status: { phase: 'Active' } },
  },
  {
    name: 'Secret from `kubectl create secret generic s --from-literal=a=b`',
    definition: 'io.k8s.api.core.v1.Secret',
    input: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null }, data: { a: 'Yg==' } },
    expected: { kind: 'Secret', apiVersion: 'v1', metadata: { name: 's', creationTimestamp: null }, data: { a: 'Yg==' }, type: 'Opaque' },
  },
  {
    name: 'ReplicationController takes selector and labels from its template',
    definition: 'io.k8s.api.core.v1.ReplicationController',
    input: { metadata: { name: 'rc' }, spec: { template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'c', image: 'c:1' }] } } } },
    expected: {
      metadata: { name: 'rc', labels: { app: 'rc' } },
      spec: {
        template: { metadata: { labels: { app: 'rc' } }, spec: { containers: [{ name: 'c', image: 'c:1', ...containerDefaults('IfNotPresent') }], ...podSpecDefaults } },
        selector: { app: 'rc' },
        replicas: 1,
      },
    },
  },
  {
    name: 'LimitRange: container defaults follow max and min',
    definition: 'io.k8s.api.core.v1.LimitRange',
    input: {
      spec: {
        limits: [
          { type: 'Container', max: { cpu: '1', memory: '1Gi' }, min: { cpu: '0.1' }, defaultRequest: { memory: '256Mi' } },
          { type: 'Pod', max: { cpu: '2' } },
        ],
      },
    },
    expected: {
      spec: {
        limits: [
          {
            type: 'Container',
            max: { cpu: '1', memory: '1Gi' },
            min: { cpu: '100m' },
            defaultRequest: { memory: '256Mi', cpu: '1' },
            default: { cpu: '1', memory: '1Gi' },
          },
          { type: 'Pod', max: { cpu: '2' } },
        ],
      },
    },
  },
  {
    name: 'ResourceQuota from `kubectl create quota q --hard=requests.cpu=0.5,requests.memory=1024Mi,pods=10`',
    definition: 'io.k8s.api.core.v1.ResourceQuota',
    input: { kind: 'ResourceQuota', apiVersion: 'v1', metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': '0.5', 'requests.memory': '1024Mi', pods: '10' } }, status: {} },
    expected: { kind: 'ResourceQuota', apiVersion: 'v1', metadata: { name: 'q' }, spec: { hard: { 'requests.cpu': '500m', 'requests.memory': '1Gi', pods: '10' } }, status: {} },
  },
  {
    name: 'Node status: allocatable defaults to capacity',
    definition: 'io.k8s.api.core.v1.Node',
    input: { metadata: { name: 'n1' }, status: { capacity: { cpu: '4', memory: '8388608Ki', pods: '110' } } },
    expected: {
      metadata: { name: 'n1' },
      status: { capacity: { cpu: '4', memory: '8Gi', pods: '110' }, allocatable: { cpu: '4', memory: '8Gi', pods: '110' } },
    },
  },
  {
    name: 'Endpoints ports default to TCP',
    definition: 'io.k8s.api.core.v1.Endpoints',
    input: { subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 80 }, { port: 53, protocol: 'UDP' }] }] },
    expected: { subsets: [{ addresses: [{ ip: '10.0.0.5' }], ports: [{ port: 80, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }] },
  },
  {
    name: 'EndpointSlice ports get an empty name and TCP',
    definition: 'io.k8s.api.discovery.v1.EndpointSlice',
    input: { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.5'] }], ports: [{ port: 80 }] },
    expected: { addressType: 'IPv4', endpoints: [{ addresses: ['10.0.0.5'] }], ports: [{ port: 80, name: '', protocol: 'TCP' }] },
  },
  {
    name: 'NetworkPolicy with egress rules isolates both directions',
    definition: 'io.k8s.api.networking.v1.NetworkPolicy',
    input: { spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }, { port: 53, protocol: 'UDP' }] }] } },
    expected: {
      spec: {
        podSelector: {},
        egress: [{ ports: [{ port: 53, protocol: 'TCP' }, { port: 53, protocol: 'UDP' }] }],
        policyTypes: ['Ingress', 'Egress'],
      },
    },
  },
  {
    name: 'IngressClass parameters are cluster-scoped unless said otherwise',
    definition: 'io.k8s.api.networking.v1.IngressClass',
    input: { spec: { controller: 'example.com/ingress', parameters: { kind: 'Params', name: 'p' } } },
    expected: { spec: { controller: 'example.com/ingress', parameters: { kind: 'Params', name: 'p', scope: 'Cluster' } } },
  },
  {
    name: 'StorageClass',
    definition: 'io.k8s.api.storage.v1.StorageClass',
    input: { provisioner: 'example.com/csi' },
    expected: { provisioner: 'example.com/csi', reclaimPolicy: 'Delete', volumeBindingMode: 'Immediate' },
  },
  {
    name: 'CSIDriver',
    definition: 'io.k8s.api.storage.v1.CSIDriver',
    input: { metadata: { name: 'csi.example.com' }, spec: {} },
    expected: {
      metadata: { name: 'csi.example.com' },
      spec: {
        attachRequired: true,
        podInfoOnMount: false,
        storageCapacity: false,
        fsGroupPolicy: 'ReadWriteOnceWithFSType',
        volumeLifecycleModes: ['Persistent'],
        requiresRepublish: false,
        seLinuxMount: false,
      },
    },
  },
  {
    name: 'PriorityClass',
    definition: 'io.k8s.api.scheduling.v1.PriorityClass',
    input: { metadata: { name: 'high' }, value: 1000 },
    expected: { metadata: { name: 'high' }, value: 1000, preemptionPolicy: 'PreemptLowerPriority' },
  },
  {
    name: 'ValidatingWebhookConfiguration',
    definition: 'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration',
    input: {
      webhooks: [
        {
          name: 'check.example.com',
          clientConfig: { service: { name: 'hook', namespace: 'default' } },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    },
    expected: {
      webhooks: [
        {
          name: 'check.example.com',
          clientConfig: { service: { name: 'hook', namespace: 'default', port: 443 } },
          rules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: '*' }],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          failurePolicy: 'Fail',
          matchPolicy: 'Equivalent',
          namespaceSelector: {},
          objectSelector: {},
          timeoutSeconds: 10,
        },
      ],
    },
  },
  {
    name: 'MutatingWebhookConfiguration',
    definition: 'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration',
    input: { webhooks: [{ name: 'm.example.com', clientConfig: { url: 'https://m.example.com' }, sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Ignore' }] },
    expected: {
      webhooks: [
        {
          name: 'm.example.com',
          clientConfig: { url: 'https://m.example.com' },
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
          failurePolicy: 'Ignore',
          matchPolicy: 'Equivalent',
          namespaceSelector: {},
          objectSelector: {},
          timeoutSeconds: 10,
          reinvocationPolicy: 'Never',
        },
      ],
    },
  },
  {
    name: 'ValidatingAdmissionPolicy',
    definition: 'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy',
    input: {
      metadata: { name: 'replicas' },
      spec: {
        matchConstraints: { resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'] }] },
        validations: [{ expression: 'object.spec.replicas <= 5' }],
      },
    },
    expected: {
      metadata: { name: 'replicas' },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['deployments'], scope: '*' }],
          matchPolicy: 'Equivalent',
          namespaceSelector: {},
          objectSelector: {},
        },
        validations: [{ expression: 'object.spec.replicas <= 5' }],
        failurePolicy: 'Fail',
      },
    },
  },
  {
    name: 'FlowSchema without a spec',
    definition: 'io.k8s.api.flowcontrol.v1.FlowSchema',
    input: { metadata: { name: 'fs' } },
    expected: { metadata: { name: 'fs' }, spec: { matchingPrecedence: 1000 } },
  },
  {
    name: 'PriorityLevelConfiguration, limited with queuing',
    definition: 'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration',
    input: { spec: { type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } } },
    expected: {
      spec: {
        type: 'Limited',
        limited: {
          limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } },
          nominalConcurrencyShares: 30,
          lendablePercent: 0,
        },
      },
    },
  },
  {
    name: 'PriorityLevelConfiguration, an explicit zero share is kept',
    definition: 'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration',
    input: { spec: { type: 'Limited', limited: { nominalConcurrencyShares: 0, limitResponse: { type: 'Reject' } } } },
    expected: { spec: { type: 'Limited', limited: { nominalConcurrencyShares: 0, limitResponse: { type: 'Reject' }, lendablePercent: 0 } } },
  },
  {
    name: 'ResourceClaim requests',
    definition: 'io.k8s.api.resource.v1.ResourceClaim',
    input: {
      spec: {
        devices: {
          requests: [
            { name: 'gpu', exactly: { deviceClassName: 'gpu.example.com', tolerations: [{ key: 'k', value: 'v' }] } },
            { name: 'any', firstAvailable: [{ name: 'big', deviceClassName: 'big' }, { name: 'all', deviceClassName: 'small', allocationMode: 'All' }] },
          ],
        },
      },
    },
    expected: {
      spec: {
        devices: {
          requests: [
            {
              name: 'gpu',
              exactly: { deviceClassName: 'gpu.example.com', tolerations: [{ key: 'k', value: 'v', operator: 'Equal' }], allocationMode: 'ExactCount', count: 1 },
            },
            {
              name: 'any',
              firstAvailable: [
                { name: 'big', deviceClassName: 'big', allocationMode: 'ExactCount', count: 1 },
                { name: 'all', deviceClassName: 'small', allocationMode: 'All' },
              ],
            },
          ],
        },
      },
    },
  },
  {
    name: 'TokenRequest asks for one hour',
    definition: 'io.k8s.api.authentication.v1.TokenRequest',
    input: { spec: { audiences: ['api'] } },
    expected: { spec: { audiences: ['api'], expirationSeconds: 3600 } },
  },
  {
    name: 'CustomResourceDefinition',
    definition: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    input: {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget' },
        versions: [
          { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
      },
    },
    expected: {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' },
        versions: [
          { name: 'v1beta1', served: true, storage: false, schema: { openAPIV3Schema: { type: 'object' } } },
          { name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } },
        ],
        conversion: { strategy: 'None' },
      },
      status: { storedVersions: ['v1'] },
    },
  },
  {
    name: 'APIService service port',
    definition: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService',
    input: { spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { name: 'metrics-server', namespace: 'kube-system' } } },
    expected: { spec: { group: 'metrics.k8s.io', version: 'v1beta1', service: { name: 'metrics-server', namespace: 'kube-system', port: 443 } } },
  },
  {
    name: 'PodList items are defaulted one by one',
    definition: 'io.k8s.api.core.v1.PodList',
    input: { items: [{ spec: { containers: [{ name: 'a', image: 'a:1' }] } }] },
    expected: { items: [{ spec: { containers: [{ name: 'a', image: 'a:1', ...containerDefaults('IfNotPresent') }], enableServiceLinks: true, ...podSpecDefaults } }] },
  },
];

for (const c of cases) {
  test(c.name, () => {
    const obj = structuredClone(c.input);
    applyDefaults(c.definition, obj);
    assert.deepEqual(obj, c.expected);
  });
}

test('defaulting twice changes nothing more', () => {
  for (const c of cases) {
    const obj = structuredClone(c.input);
    applyDefaults(c.definition, obj);
    const once = structuredClone(obj);
    applyDefaults(c.definition, obj);
    assert.deepEqual(obj, once, c.name);
  }
});

test('a Deployment with a malformed quantity is rejected the way decoding rejects it', () => {
  const deployment = {
    spec: { template: { spec: { containers: [{ name: 'c', image: 'c', resources: { limits: { memory: '1GB' } } }] } } },
  };
  assert.throws(
    () => applyDefaults('io.k8s.api.apps.v1.Deployment', deployment),
    (err: unknown) =>
      err instanceof ApiError &&
      err.code === 400 &&
      err.message ===
        `Deployment in version "apps/v1" cannot be handled as a Deployment: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
  );
});
