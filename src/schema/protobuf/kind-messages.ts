// Which protobuf message carries an apiVersion/kind. Built-in groups keep their types in
// k8s.io/api/<package>/<version>/generated.proto, the package mostly being the group's first
// DNS label (internal.apiserver.k8s.io → apiserverinternal is the odd one). The table is
// explicit so that a CRD group such as apps.example.com can never borrow a built-in message.
// Groups missing here (CRDs; apiextensions.k8s.io, apiregistration.k8s.io and metrics.k8s.io,
// whose .proto files are not shipped) have no protobuf form: they are served as JSON only.
import { parseApiVersion } from '../../machinery/object.js';

/** Group name → folder under k8s.io/api. */
const GROUP_PACKAGES: ReadonlyMap<string, string> = new Map([
  ['', 'core'],
  ['admission.k8s.io', 'admission'],
  ['admissionregistration.k8s.io', 'admissionregistration'],
  ['apidiscovery.k8s.io', 'apidiscovery'],
  ['apps', 'apps'],
  ['authentication.k8s.io', 'authentication'],
  ['authorization.k8s.io', 'authorization'],
  ['autoscaling', 'autoscaling'],
  ['batch', 'batch'],
  ['certificates.k8s.io', 'certificates'],
  ['coordination.k8s.io', 'coordination'],
  ['discovery.k8s.io', 'discovery'],
  ['events.k8s.io', 'events'],
  ['extensions', 'extensions'],
  ['flowcontrol.apiserver.k8s.io', 'flowcontrol'],
  ['imagepolicy.k8s.io', 'imagepolicy'],
  ['internal.apiserver.k8s.io', 'apiserverinternal'],
  ['networking.k8s.io', 'networking'],
  ['node.k8s.io', 'node'],
  ['policy', 'policy'],
  ['rbac.authorization.k8s.io', 'rbac'],
  ['resource.k8s.io', 'resource'],
  ['scheduling.k8s.io', 'scheduling'],
  ['storage.k8s.io', 'storage'],
  ['storagemigration.k8s.io', 'storagemigration'],
]);

const META_GROUP = 'meta.k8s.io';
const META_PACKAGE = 'k8s.io.apimachinery.pkg.apis.meta.v1';
const META_FILE = 'k8s.io/apimachinery/pkg/apis/meta/v1/generated.proto';

/**
 * meta/v1 kinds every built-in group version also answers with (metav1.AddToGroupVersion
 * registers WatchEvent and the *Options kinds per version; Status and the discovery documents
 * are "unversioned" and travel as apiVersion v1).
 */
const META_KINDS_IN_EVERY_GROUP: ReadonlySet<string> = new Set([
  'Status',
  'WatchEvent',
  'DeleteOptions',
  'ListOptions',
  'GetOptions',
  'CreateOptions',
  'UpdateOptions',
  'PatchOptions',
  'APIVersions',
  'APIGroupList',
  'APIGroup',
  'APIResourceList',
]);

export interface ProtoMessageRef {
  /** The .proto file declaring it, relative to the proto folder. */
  readonly file: string;
  /** Full message name without the leading dot, e.g. "k8s.io.api.apps.v1.Deployment". */
  readonly fullName: string;
}

// Both parts end up in a file path: accept only what Kubernetes versions and kinds look like.
const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** Where to look for the message of apiVersion/kind, most specific first (empty: no protobuf form). */
export function protoMessageCandidates(apiVersion: string, kind: string): ProtoMessageRef[] {
  const { group, version } = parseApiVersion(apiVersion);
  if (!VERSION.test(version) || !KIND.test(kind)) return [];
  const meta: ProtoMessageRef = { file: META_FILE, fullName: `${META_PACKAGE}.${kind}` };
  // meta.k8s.io/v1beta1's Table and PartialObjectMetadata are v1's types; its
  // PartialObjectMetadataList is a type of its own (other field numbers), whose .proto is not here.
  if (group === META_GROUP) return version === 'v1' || kind !== 'PartialObjectMetadataList' ? [meta] : [];
  const pkg = GROUP_PACKAGES.get(group);
  if (pkg === undefined) return [];
  const own: ProtoMessageRef = { file: `k8s.io/api/${pkg}/${version}/generated.proto`, fullName: `k8s.io.api.${pkg}.${version}.${kind}` };
  return META_KINDS_IN_EVERY_GROUP.has(kind) ? [own, meta] : [own];
}
