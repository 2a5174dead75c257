// apps/v1 defaults: k8s.io/kubernetes pkg/apis/apps/v1/defaults.go as of 1.36, with
// MaxUnavailableStatefulSet (beta, on since 1.35) and StatefulSetAutoDeletePVC (GA) enabled.
// Pod templates get the core/v1 PodSpec defaults through the walker.
import { isEmptyString, isNil, objectAt, structField, type DefaultsTable, type JsonMap } from './types.js';

const apps = 'io.k8s.api.apps.v1.';

function deployment(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (isNil(spec['replicas'])) spec['replicas'] = 1;
  const strategy = structField(spec, 'strategy');
  if (isEmptyString(strategy['type'])) strategy['type'] = 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const rollingUpdate = structField(strategy, 'rollingUpdate');
    if (isNil(rollingUpdate['maxUnavailable'])) rollingUpdate['maxUnavailable'] = '25%';
    if (isNil(rollingUpdate['maxSurge'])) rollingUpdate['maxSurge'] = '25%';
  }
  if (isNil(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
  if (isNil(spec['progressDeadlineSeconds'])) spec['progressDeadlineSeconds'] = 600;
}

function daemonSet(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  const strategy = structField(spec, 'updateStrategy');
  if (isEmptyString(strategy['type'])) strategy['type'] = 'RollingUpdate';
  if (strategy['type'] === 'RollingUpdate') {
    const rollingUpdate = structField(strategy, 'rollingUpdate');
    if (isNil(rollingUpdate['maxUnavailable'])) rollingUpdate['maxUnavailable'] = 1;
    if (isNil(rollingUpdate['maxSurge'])) rollingUpdate['maxSurge'] = 0;
  }
  if (isNil(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
}

function statefulSet(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (isEmptyString(spec['podManagementPolicy'])) spec['podManagementPolicy'] = 'OrderedReady';
  const strategy = structField(spec, 'updateStrategy');
  if (isEmptyString(strategy['type'])) {
    strategy['type'] = 'RollingUpdate';
    // Only a defaulted type brings a rollingUpdate block; an explicit RollingUpdate keeps none.
    structField(strategy, 'rollingUpdate');
  }
  const rollingUpdate = objectAt(strategy, 'rollingUpdate');
  if (strategy['type'] === 'RollingUpdate' && rollingUpdate) {
    if (isNil(rollingUpdate['partition'])) rollingUpdate['partition'] = 0;
    if (isNil(rollingUpdate['maxUnavailable'])) rollingUpdate['maxUnavailable'] = 1;
  }
  const retention = structField(spec, 'persistentVolumeClaimRetentionPolicy');
  if (isEmptyString(retention['whenDeleted'])) retention['whenDeleted'] = 'Retain';
  if (isEmptyString(retention['whenScaled'])) retention['whenScaled'] = 'Retain';
  if (isNil(spec['replicas'])) spec['replicas'] = 1;
  if (isNil(spec['revisionHistoryLimit'])) spec['revisionHistoryLimit'] = 10;
}

function replicaSet(obj: JsonMap): void {
  const spec = structField(obj, 'spec');
  if (isNil(spec['replicas'])) spec['replicas'] = 1;
}

// Every workload spec holds its pod template by value.
const templated = { valueStructs: ['template'] } as const;

export const appsV1Defaults: DefaultsTable = {
  [`${apps}Deployment`]: { apply: deployment, valueStructs: ['spec'] },
  [`${apps}DeploymentSpec`]: templated,
  [`${apps}DaemonSet`]: { apply: daemonSet, valueStructs: ['spec'] },
  [`${apps}DaemonSetSpec`]: templated,
  [`${apps}StatefulSet`]: { apply: statefulSet, valueStructs: ['spec'] },
  [`${apps}StatefulSetSpec`]: templated,
  [`${apps}ReplicaSet`]: { apply: replicaSet, valueStructs: ['spec'] },
  [`${apps}ReplicaSetSpec`]: templated,
};
