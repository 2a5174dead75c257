// When the Endpoints and EndpointSlice controllers look at a Service again: whenever the Service
// changes, and whenever a pod it selects (now or before a relabelling) comes, goes or changes
// in a way endpoints show.
import type { Pod, Service } from '../../machinery/api-types.js';
import { objectKey, type Informer } from '../runtime/informer.js';
import { servicesSelecting, servicesToSyncOnPodUpdate } from './pod-endpoints.js';

export function syncServicesOnChange(services: Informer<Service>, pods: Informer<Pod>, enqueue: (serviceKey: string) => void): void {
  services.addHandler({
    onAdd: (s) => enqueue(objectKey(s)),
    onUpdate: (_old, s) => enqueue(objectKey(s)),
    onDelete: (s) => enqueue(objectKey(s)),
  });
  const inNamespace = (pod: Pod) => services.list(pod.metadata?.namespace ?? '');
  pods.addHandler({
    onAdd: (p) => servicesSelecting(inNamespace(p), p.metadata?.labels).forEach(enqueue),
    onUpdate: (old, p) => servicesToSyncOnPodUpdate(inNamespace(p), old, p).forEach(enqueue),
    onDelete: (p) => servicesSelecting(inNamespace(p), p.metadata?.labels).forEach(enqueue),
  });
}
