// The OpenAPI a served custom resource version adds, as apiextensions-apiserver's openapi builder
// makes it: the kind's definition (the CRD's structural schema with apiVersion, kind and a
// metadata ref to ObjectMeta, x-kubernetes-group-version-kind), its list kind, and the paths of
// the resource and its status/scale subresources. OpenAPI v2 gets the schema filtered as
// ToStructuralOpenAPIV2 filters it (kubectl's v2 parser cannot take anyOf, nullable types or
// properties under x-kubernetes-preserve-unknown-fields); v3 gets it whole.
import type { ResourceInfo } from './catalogue.js';
import type { SwaggerDocument, SwaggerOperation, SwaggerPathItem, SwaggerSchema } from './openapi-spec.js';

type Schema = Record<string, unknown>;

export interface CustomResourceOpenApi {
  paths: Record<string, SwaggerPathItem>;
  /** Definitions with #/definitions/ refs (rewritten for v3 by the document builder). */
  definitions: Record<string, SwaggerSchema>;
}

const objectMetaRef = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const listMetaRef = '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta';
// PartialObjectMetadata's and PartialObjectMetadataList's field docs, which the builder uses.
const objectMetaDescription = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const listMetaDescription = 'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';
const embeddedApiVersion =
  'apiVersion defines the versioned schema of this representation of an object. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const embeddedKind =
  'kind is a string value representing the type of this object. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

function isObject(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** kube-openapi's ToRESTFriendlyName: "stable.example.com/v1/CronTab" → "com.example.stable.v1.CronTab". */
export function definitionNameOf(group: string, version: string, kind: string): string {
  const reversed = group.includes('.') ? group.split('.').reverse().join('.') : group;
  return [reversed, version, kind].filter(Boolean).join('.');
}

/** The operation-id prefix kube-apiserver derives from a group-version: "StableExampleComV1", "RbacAuthorizationV1". */
function operationPrefix(group: string, version: string): { id: string; tag: string } {
  const words = group.replace(/\.k8s\.io$/, '').split(/[.-]/).filter(Boolean);
  const title = (w: string) => w.charAt(0).toUpperCase() + w.slice(1);
  const camel = words.map((w, i) => (i === 0 ? w : title(w))).join('');
  return { id: words.map(title).join('') + title(version), tag: `${camel}_${version}` };
}

/** The schema as the structural schema's Unfold leaves it: int-or-string as anyOf, embedded resources typed. */
function unfold(schema: Schema): Schema {
  const out: Schema = { ...schema };
  if (isObject(schema.properties)) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, unfold(v as Schema)]));
  if (isObject(schema.items)) out.items = unfold(schema.items);
  if (isObject(schema.additionalProperties)) out.additionalProperties = unfold(schema.additionalProperties);
  if (schema['x-kubernetes-int-or-string'] === true && !schema.anyOf && !schema.allOf) out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  return out;
}

/** ToStructuralOpenAPIV2: what kubectl's OpenAPI v2 parser can take. */
function toOpenApiV2(schema: Schema): Schema {
  const out: Schema = { ...schema };
  delete out.allOf;
  delete out.anyOf;
  delete out.oneOf;
  delete out.not;
  if (out.nullable === true) {
    delete out.type;
    delete out.nullable;
    delete out.items;
    delete out.properties;
  }
  if (out['x-kubernetes-preserve-unknown-fields'] === true) {
    delete out.items;
    delete out.properties;
  }
  if (out.items === undefined && out.type === 'array') delete out.type;
  if (isObject(out.properties)) {
    const props = out.properties as Record<string, Schema>;
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, toOpenApiV2(v)]));
    if (Array.isArray(out.required)) {
      const required = (out.required as string[]).filter((f) => props[f]?.nullable !== true);
      if (required.length) out.required = required;
      else delete out.required;
    }
  }
  if (isObject(out.items)) out.items = toOpenApiV2(out.items);
  if (isObject(out.additionalProperties)) out.additionalProperties = toOpenApiV2(out.additionalProperties);
  return out;
}

/** Embedded resources get apiVersion, kind and metadata (not in v2 where unknown fields are kept). */
function addEmbeddedProperties(schema: Schema, v2: boolean): Schema {
  const out: Schema = { ...schema };
  if (isObject(schema.properties)) out.properties = Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, addEmbeddedProperties(v as Schema, v2)]));
  if (isObject(schema.items)) out.items = addEmbeddedProperties(schema.items, v2);
  if (isObject(schema.additionalProperties)) out.additionalProperties = addEmbeddedProperties(schema.additionalProperties, v2);
  if (v2 && schema['x-kubernetes-preserve-unknown-fields'] === true) return out;
  if (schema['x-kubernetes-embedded-resource'] === true) {
    out.properties = {
      ...(out.properties as Schema | undefined),
      apiVersion: { description: embeddedApiVersion, type: 'string' },
      kind: { description: embeddedKind, type: 'string' },
      metadata: { $ref: objectMetaRef, description: objectMetaDescription },
    };
    const required = new Set((out.required as string[] | undefined) ?? []);
    out.required = [...required, ...['kind', 'apiVersion'].filter((f) => !required.has(f))];
  }
  return out;
}

export interface TypeMetaDocs {
  apiVersion: SwaggerSchema;
  kind: SwaggerSchema;
}

/** The kind's definition. `v2` filters as /openapi/v2 publishes it. */
function kindDefinition(info: ResourceInfo, typeMeta: TypeMetaDocs, v2: boolean): SwaggerSchema {
  const gvk = [{ group: info.group, kind: info.kind, version: info.version }];
  const schema = info.custom?.schema;
  // No schema, or (in v2) a root that keeps unknown fields: a bare object, so kubectl's v2
  // validation does not refuse fields it cannot see.
  if (!schema || (v2 && schema['x-kubernetes-preserve-unknown-fields'] === true)) {
    return { type: 'object', 'x-kubernetes-group-version-kind': gvk };
  }
  let out = unfold(schema);
  if (v2) out = toOpenApiV2(out);
  out = addEmbeddedProperties(out, v2);
  const properties = { ...(out.properties as Schema | undefined) };
  properties.apiVersion = typeMeta.apiVersion;
  properties.kind = typeMeta.kind;
  properties.metadata = { $ref: objectMetaRef, description: objectMetaDescription };
  return { ...out, properties: properties as Record<string, SwaggerSchema>, 'x-kubernetes-group-version-kind': gvk } as SwaggerSchema;
}

function listDefinition(info: ResourceInfo, kindName: string, typeMeta: TypeMetaDocs): SwaggerSchema {
  return {
    description: `${info.listKind} is a list of ${info.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: typeMeta.apiVersion,
      items: {
        description: `List of ${info.resource}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: { $ref: `#/definitions/${kindName}` },
      },
      kind: typeMeta.kind,
      metadata: { $ref: listMetaRef, description: listMetaDescription },
    },
    'x-kubernetes-group-version-kind': [{ group: info.group, kind: info.listKind, version: info.version }],
  };
}

/** endpoints.GetArticleForNoun: "a CronTab", "an Ingress". */
function article(noun: string): string {
  return /^[aeiouAEIOU]/.test(noun) ? ' an ' : ' a ';
}

function describe(kind: string, sub: string, verb: string): string {
  const of = sub ? ` ${sub} of` : '';
  switch (verb) {
    case 'list':
      return `list${of} objects of kind ${kind}`;
    case 'read':
    case 'replace':
      return `${verb}${of} the specified ${kind}`;
    case 'patch':
      return `partially update${of} the specified ${kind}`;
    case 'create':
    case 'delete':
      return `${verb}${of}${article(kind)}${kind}`;
    case 'deletecollection':
      return `delete collection of${sub ? ` ${sub} of a` : ''} ${kind}`;
    default:
      return `${verb}${of} ${kind}`;
  }
}

const patchTypes = ['application/json-patch+json', 'application/merge-patch+json', 'application/apply-patch+yaml'];

/**
 * Path items for the resource, its status and scale, with the parameters and responses of the
 * built-in Deployment's paths (the same generic handlers serve both), retargeted at the kind.
 */
function resourcePaths(info: ResourceInfo, spec: SwaggerDocument, kindName: string, listName: string): Record<string, SwaggerPathItem> {
  const { id, tag } = operationPrefix(info.group, info.version);
  const scope = info.namespaced ? 'Namespaced' : '';
  const base = `/apis/${info.group}/${info.version}`;
  const root = info.namespaced ? `${base}/namespaces/{namespace}/${info.resource}` : `${base}/${info.resource}`;
  const template = '/apis/apps/v1/namespaces/{namespace}/deployments';
  const gvk = { group: info.group, kind: info.kind, version: info.version };
  const retarget = (value: unknown): unknown =>
    JSON.parse(
      JSON.stringify(value)
        .replaceAll('#/definitions/io.k8s.api.apps.v1.DeploymentList"', `#/definitions/${listName}"`)
        .replaceAll('#/definitions/io.k8s.api.apps.v1.Deployment"', `#/definitions/${kindName}"`)
        .replaceAll('"name of the Scale"', `"name of the ${info.kind}"`)
        .replaceAll('"name of the Deployment"', `"name of the ${info.kind}"`),
    );
  const dropNamespace = (params: unknown[] | undefined): unknown[] | undefined =>
    info.namespaced ? params : params?.filter((p) => !String((p as { $ref?: string }).$ref ?? '').startsWith('#/parameters/namespace-'));

  const build = (templatePath: string, sub: string, verbs: Record<string, string>): SwaggerPathItem | undefined => {
    const item = spec.paths[templatePath];
    if (!item) return undefined;
    const out: SwaggerPathItem = {};
    const params = dropNamespace(item.parameters);
    if (params) out.parameters = retarget(params) as unknown[];
    for (const [method, verb] of Object.entries(verbs)) {
      const op = item[method as keyof SwaggerPathItem] as SwaggerOperation | undefined;
      if (!op) continue;
      const forAll = verb === 'listAll';
      const operationVerb = forAll ? 'list' : verb;
      const subTitle = sub ? sub.charAt(0).toUpperCase() + sub.slice(1) : '';
      const next: SwaggerOperation = {
        ...(retarget(op) as SwaggerOperation),
        consumes: method === 'patch' ? patchTypes : ['application/json', 'application/yaml'],
        description: describe(info.kind, sub, operationVerb),
        operationId: forAll ? `list${id}${info.kind}ForAllNamespaces` : `${operationVerb}${id}${scope}${info.kind}${subTitle}`,
        produces: ['application/json', 'application/yaml'],
        schemes: ['https'],
        tags: [tag],
        'x-kubernetes-group-version-kind': gvk,
      };
      if (next.parameters) next.parameters = dropNamespace(next.parameters);
      (out as Record<string, unknown>)[method] = next;
    }
    return out;
  };

  const paths: Record<string, SwaggerPathItem> = {};
  const add = (path: string, item: SwaggerPathItem | undefined) => {
    if (item) paths[path] = item;
  };
  if (info.namespaced) add(`${base}/${info.resource}`, build('/apis/apps/v1/deployments', '', { get: 'listAll' }));
  add(root, build(template, '', { get: 'list', post: 'create', delete: 'deletecollection' }));
  add(`${root}/{name}`, build(`${template}/{name}`, '', { get: 'read', put: 'replace', delete: 'delete', patch: 'patch' }));
  if (info.subresources.has('status')) add(`${root}/{name}/status`, build(`${template}/{name}/status`, 'status', { get: 'read', put: 'replace', patch: 'patch' }));
  if (info.subresources.has('scale')) add(`${root}/{name}/scale`, build(`${template}/{name}/scale`, 'scale', { get: 'read', put: 'replace', patch: 'patch' }));
  return paths;
}

/** TypeMeta's apiVersion and kind docs, as the spec's own kinds carry them. */
function typeMetaDocs(definitions: Record<string, SwaggerSchema>): TypeMetaDocs {
  const props = definitions['io.k8s.api.apps.v1.Deployment']?.properties ?? {};
  return { apiVersion: props.apiVersion ?? { type: 'string' }, kind: props.kind ?? { type: 'string' } };
}

/**
 * The kind's full (unfiltered) definition, refs to the spec's ObjectMeta included: what server-side
 * apply types a custom resource with, as apiextensions' type converter does.
 */
export function customResourceDefinitionSchema(info: ResourceInfo, definitions: Record<string, SwaggerSchema>): SwaggerSchema {
  return kindDefinition(info, typeMetaDocs(definitions), false);
}

/** Everything one served custom resource version adds to the OpenAPI documents. */
export function customResourceOpenApi(info: ResourceInfo, spec: SwaggerDocument, v2: boolean): CustomResourceOpenApi {
  const typeMeta = typeMetaDocs(spec.definitions);
  const kindName = definitionNameOf(info.group, info.version, info.kind);
  const listName = definitionNameOf(info.group, info.version, info.listKind);
  return {
    paths: resourcePaths(info, spec, kindName, listName),
    definitions: {
      [kindName]: kindDefinition(info, typeMeta, v2),
      [listName]: listDefinition(info, kindName, typeMeta),
    },
  };
}
