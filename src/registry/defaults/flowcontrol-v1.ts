// flowcontrol.apiserver.k8s.io/v1 defaults: k8s.io/kubernetes pkg/apis/flowcontrol/v1/defaults.go
// (1.36). In v1 nominalConcurrencyShares is a pointer: an explicit 0 (a "jail" level) is kept.
import { isNil, isZeroNumber, type DefaultsTable, type JsonMap } from './types.js';

const flowcontrol = 'io.k8s.api.flowcontrol.v1.';

function setIfNil(obj: JsonMap, key: string, value: number): void {
  if (isNil(obj[key])) obj[key] = value;
}

function setIfZero(obj: JsonMap, key: string, value: number): void {
  if (isZeroNumber(obj[key])) obj[key] = value;
}

export const flowcontrolV1Defaults: DefaultsTable = {
  [`${flowcontrol}FlowSchema`]: { valueStructs: ['spec'] },
  [`${flowcontrol}FlowSchemaSpec`]: { apply: (spec) => setIfZero(spec, 'matchingPrecedence', 1000) },
  [`${flowcontrol}ExemptPriorityLevelConfiguration`]: {
    apply: (exempt) => {
      setIfNil(exempt, 'nominalConcurrencyShares', 0);
      setIfNil(exempt, 'lendablePercent', 0);
    },
  },
  [`${flowcontrol}LimitedPriorityLevelConfiguration`]: {
    apply: (limited) => {
      setIfNil(limited, 'nominalConcurrencyShares', 30);
      setIfNil(limited, 'lendablePercent', 0);
    },
  },
  [`${flowcontrol}QueuingConfiguration`]: {
    apply: (queuing) => {
      setIfZero(queuing, 'handSize', 8);
      setIfZero(queuing, 'queues', 64);
      setIfZero(queuing, 'queueLengthLimit', 50);
    },
  },
};
