// The kind-independent steps every write goes through, in kube-apiserver's order: decode
// checks against the schema (types, unknown and duplicate fields, normalization), defaulting,
// conversion to the storage version, then validation (schema-required fields, object metadata,
// the kind's rules). And the way out: conversion back to the version the client asked for.
import { ApiError, badRequest, conflict as conflictError, invalid, type FieldError } from '../apierrors/index.js';
import { lazyModule } from '../machinery/lazy-module.js';
import { isPlainObject, type KubeObject } from '../machinery/object.js';
import type { ResourceInfo } from '../schema/catalogue.js';
import type { SwaggerSchema } from '../schema/openapi-spec.js';
import { conversionFor } from './conversion/index.js';
import { ObjectOut } from './object-out.js';
import type { PatchType, WriteOptions, WriteSubresource } from './request-options.js';
import type { Strategy } from './strategy.js';
import type { KindValidation } from './validation/index.js';
import { formatTime } from './timestamps.js';
import { compileCustomResourceSchema, type CustomResourceSchema } from '../schema/custom-resource-schema.js';
import { customResourceDefinitionSchema } from '../schema/custom-resource-openapi.js';
import { convertByWebhook, type ConversionWebhookDeps } from '../webhooks/conversion-webhook.js';

type Parts = typeof import('./pipeline-parts.js');

interface Prepared {
  parts: Parts;
  checker: ReturnType<Parts['createSchemaChecker']>;
  defaulter: ReturnType<Parts['createDefaulter']>;
  patchSchemas: ReturnType<Parts['createPatchSchemaResolver']>;
  fieldManager: ReturnType<Parts['createFieldManager']>;
  goForms: ReturnType<Parts['createGoForms']>;
}

const mainResetFields: readonly (readonly string[])[] = [['status']];
const defaultStatusResetFields: readonly (readonly string[])[] = [['spec']];
const statusResetFields: ReadonlyMap<string, readonly (readonly string[])[]> = new Map([
  ['deployments', [['spec'], ['metadata', 'labels']]],
  ['pods', [['spec'], ['metadata', 'deletionTimestamp'], ['metadata', 'ownerReferences']]],
]);
/** A CSR's approval writes conditions: neither spec nor the issued certificate. */
const approvalResetFields: readonly (readonly string[])[] = [['spec'], ['status', 'certificate']];

export class ObjectPipeline {
  // The pipeline's code is loaded after the server starts listening; writes await ready().
  private readonly module = lazyModule(() => import('./pipeline-parts.js'));
  private prepared: Prepared | undefined;

  private readonly customSchemas = new WeakMap<ResourceInfo, CustomResourceSchema>();
  /**
   * The spec's definitions plus one per custom resource schema, for the field manager. A schema is
   * named by its content (the field manager compiles a name once), so a changed CRD gets a new name.
   */
  private managedDefinitionsValue: Record<string, unknown> | undefined;
  private readonly customDefinitionNames = new WeakMap<ResourceInfo, string>();
  private readonly customDefinitionIds = new Map<string, string>();
  private definitionsValue: Record<string, SwaggerSchema> | undefined;

  constructor(
    /** The spec's definitions, asked for on first need: a restart serves before it parses the spec. */
    private readonly loadDefinitions: () => Record<string, SwaggerSchema>,
    /** How conversion webhooks are reached (absent: a CRD's Webhook conversion fails to call). */
    private readonly conversionWebhooks?: ConversionWebhookDeps,
  ) {}

  get definitions(): Record<string, SwaggerSchema> {
    return (this.definitionsValue ??= this.loadDefinitions());
  }

  private get managedDefinitions(): Record<string, unknown> {
    return (this.managedDefinitionsValue ??= Object.create(this.definitions) as Record<string, unknown>);
  }

  /** Resolves once the pipeline's code is loaded and its checkers built (cheap after the first time). */
  async ready(): Promise<void> {
    if (this.prepared) return;
    const parts = await this.module.load();
    const defs = this.definitions as Record<string, unknown>;
    if (this.prepared) return;
    const goForms = parts.createGoForms(defs, { protoDir: parts.findProtoDir() });
    this.prepared = {
      parts,
      checker: parts.createSchemaChecker(defs),
      defaulter: parts.createDefaulter(defs),
      patchSchemas: parts.createPatchSchemaResolver(defs),
      fieldManager: parts.createFieldManager(this.managedDefinitions, { goForms }),
      goForms,
    };
  }

  private get p(): Prepared {
    if (!this.prepared) throw new Error('ObjectPipeline used before ready()');
    return this.prepared;
  }

  /** The field manager's name for a write: the fieldManager parameter, else the client's User-Agent product. */
  managerOf(opts: WriteOptions): string {
    return opts.fieldManager ?? this.p.parts.managerFromUserAgent(opts.userAgent);
  }

  /** Metadata fields a status write may not change for this kind (deployments: labels; pods: deletionTimestamp, ownerReferences). */
  statusResetMetadataFields(info: ResourceInfo): string[] {
    const reset = statusResetFields.get(info.storage.resource) ?? defaultStatusResetFields;
    return reset.filter((path) => path[0] === 'metadata' && path.length === 2).map((path) => path[1]!);
  }

  /**
   * Fields nobody owns through this endpoint (kube-apiserver's reset fields): a main resource does
   * not write status; the status subresource does not write spec (nor, for some kinds, a few
   * metadata fields).
   */
  private ignoredFields(info: ResourceInfo, subresource: string | undefined): readonly (readonly string[])[] | undefined {
    if (subresource === 'status') return statusResetFields.get(info.storage.resource) ?? defaultStatusResetFields;
    if (subresource === 'approval') return approvalResetFields;
    return info.subresources.has('status') ? mainResetFields : undefined;
  }

  /**
   * managedFields for a non-apply write (create when `live` is undefined): the writer owns what it
   * changed. Both objects are in the URL's version.
   */
  trackWrite(info: ResourceInfo, live: KubeObject | undefined, next: KubeObject, opts: WriteOptions, now: Date, subresource?: string): void {
    const definitionName = this.managedDefinition(info);
    if (!definitionName) return;
    const sub = subresource ?? opts.managedFieldsSubresource;
    this.p.fieldManager.update({
      definitionName,
      live: live as Record<string, unknown> | undefined,
      next: next as Record<string, unknown>,
      manager: this.managerOf(opts),
      apiVersion: info.apiVersion,
      subresource: sub,
      time: formatTime(now),
      ignoredFields: this.ignoredFields(info, sub),
    });
  }

  /** Server-side apply of `config` onto `live` (undefined: the apply creates the object). */
  apply(info: ResourceInfo, live: KubeObject | undefined, config: unknown, opts: WriteOptions, now: Date, subresource?: string): KubeObject {
    const { ApplyError } = this.p.parts;
    if (!opts.fieldManager) throw ApplyError.fieldManagerRequired();
    const definitionName = this.managedDefinition(info);
    if (!definitionName) throw new ApiError(415, 'UnsupportedMediaType', `server-side apply is not supported for ${info.qualified}`);
    const sub = subresource ?? opts.managedFieldsSubresource;
    return this.p.fieldManager.apply({
      definitionName,
      live: live as Record<string, unknown> | undefined,
      config: config as Record<string, unknown>,
      manager: opts.fieldManager,
      apiVersion: info.apiVersion,
      force: opts.force === true,
      subresource: sub,
      time: formatTime(now),
      ignoredFields: this.ignoredFields(info, sub),
    }) as KubeObject;
  }

  /** Applies a JSON, merge or strategic merge patch to the current object (URL version). */
  applyPatch(info: ResourceInfo, type: Exclude<PatchType, 'apply'>, current: KubeObject, patch: unknown): KubeObject {
    const { parts, patchSchemas } = this.p;
    const { applyJsonPatch, applyMergePatch, applyStrategicMergePatch, PatchError } = parts;
    try {
      let result: unknown;
      // Strategic merge needs Go struct tags a custom resource does not have.
      if (type === 'strategic' && info.custom) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
        );
      }
      if (type === 'json') result = applyJsonPatch(current as never, patch);
      else if (type === 'merge') result = applyMergePatch(current as never, patch as never);
      else {
        if (!isPlainObject(patch)) throw new PatchError('the patch must be a JSON object', 'BadRequest');
        result = applyStrategicMergePatch(current as never, patch as never, info.definitionName ? patchSchemas(info.definitionName) : undefined);
      }
      if (!isPlainObject(result)) throw new PatchError('the patched object is not a JSON object', 'BadRequest');
      return result as KubeObject;
    } catch (err) {
      if (err instanceof PatchError) {
        if (err.kind === 'Conflict') throw conflictError(info, current.metadata?.name ?? '', err.message);
        throw new ApiError(err.code, err.reason, err.message, err.kind === 'Invalid' ? {} : undefined);
      }
      throw err;
    }
  }

  /**
   * A request body (in the URL's version) checked against the URL, decoded against the schema and
   * defaulted, in place: the body is the caller's to give away (a freshly decoded request body).
   * Returns it and the schema-required fields found missing, which are reported later with the
   * other validation errors (422).
   */
  decodeForWrite(
    info: ResourceInfo,
    body: KubeObject,
    urlNamespace: string | undefined,
    opts: WriteOptions,
    urlName?: string,
  ): { obj: KubeObject; requiredErrors: FieldError[] } {
    if (!isPlainObject(body)) throw badRequest('the body of the request must be a JSON or YAML object');
    const obj = body;
    if (obj.apiVersion !== undefined && obj.apiVersion !== info.apiVersion) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${info.apiVersion})`);
    }
    if (obj.kind !== undefined && obj.kind !== info.kind) {
      throw badRequest(`the kind in the data (${String(obj.kind)}) does not match the expected kind (${info.kind}) for ${info.apiVersion}, resource ${info.resource}`);
    }
    obj.apiVersion = info.apiVersion;
    obj.kind = info.kind;
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (!isPlainObject(obj.metadata)) {
      throw this.decodeError(info, `json: cannot unmarshal ${jsonTypeName(obj.metadata)} into Go struct field ${info.kind}.metadata of type v1.ObjectMeta`);
    }
    const meta = obj.metadata;
    if (info.namespaced) {
      if (meta.namespace && urlNamespace && meta.namespace !== urlNamespace) {
        throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
      }
      if (urlNamespace) meta.namespace = urlNamespace;
    } else {
      delete meta.namespace;
    }
    if (urlName !== undefined) {
      if (meta.name && meta.name !== urlName) {
        throw badRequest(`the name of the object (${meta.name}) does not match the name on the URL (${urlName})`);
      }
      meta.name = urlName;
    }

    let requiredErrors: FieldError[] = [];
    if (info.custom) {
      const schema = this.customSchema(info);
      const unknown = schema.prune(obj as Record<string, unknown>).map((path) => `unknown field "${path}"`);
      if (unknown.length) {
        if (opts.fieldValidation === 'Strict') throw this.decodeError(info, `strict decoding error: ${unknown.join(', ')}`);
        if (opts.fieldValidation === 'Warn') opts.warnings.push(...unknown);
      }
      schema.applyDefaults(obj as Record<string, unknown>);
    } else if (info.definitionName) {
      const result = this.p.checker.check(info.definitionName, obj as Record<string, unknown>, {
        mode: opts.fieldValidation,
        ...(opts.yamlDuplicateKeyErrors ? { yamlDuplicateKeyErrors: opts.yamlDuplicateKeyErrors } : { duplicateFields: opts.duplicateFields }),
      });
      if (result.decodeErrors.length) throw this.decodeError(info, result.decodeErrors[0]);
      if (result.strictErrors.length) {
        if (opts.fieldValidation === 'Strict') throw this.decodeError(info, `strict decoding error: ${result.strictErrors.join(', ')}`);
        if (opts.fieldValidation === 'Warn') opts.warnings.push(...result.strictErrors);
      }
      // Status is written by controllers and kubelets, whose partial status objects a real cluster
      // accepts even where the schema marks a field required.
      requiredErrors = result.requiredErrors.filter((e) => !e.field.startsWith('status'));
      this.p.defaulter(info.definitionName, obj as Record<string, unknown>);
      // What decoding into the Go type does: the zero values Go always prints are there from now
      // on, for the field manager (a new container owns its `resources: {}`, as on a real
      // cluster), the strategies and validation alike. Key order waits for storedForm.
      this.p.goForms.fill(info.definitionName, obj as Record<string, unknown>);
    }
    return { obj, requiredErrors };
  }

  // Compiled once per served version: the catalogue replaces the info when its CRD changes.
  private customSchema(info: ResourceInfo): CustomResourceSchema {
    let schema = this.customSchemas.get(info);
    if (!schema) {
      schema = compileCustomResourceSchema(info.custom?.schema);
      this.customSchemas.set(info, schema);
    }
    return schema;
  }

  private customErrors(info: ResourceInfo, obj: KubeObject): FieldError[] {
    return info.custom ? this.customSchema(info).validate(obj as Record<string, unknown>) : [];
  }

  /**
   * The definition the field manager types managed fields with; a custom resource's comes from its
   * CRD's schema (list types and map keys drive merges), with ObjectMeta for metadata.
   */
  private managedDefinition(info: ResourceInfo): string | undefined {
    if (info.definitionName || !info.custom) return info.definitionName;
    let name = this.customDefinitionNames.get(info);
    if (name === undefined) {
      const schema = customResourceDefinitionSchema(info, this.definitions);
      const text = JSON.stringify(schema);
      name = this.customDefinitionIds.get(text);
      if (name === undefined) {
        name = `kubemu.customresource.${info.qualified}.${info.version}.${this.customDefinitionIds.size}`;
        this.customDefinitionIds.set(text, name);
        this.managedDefinitions[name] = schema;
      }
      this.customDefinitionNames.set(info, name);
    }
    return name;
  }

  /**
   * The object (storage version) as it is stored and so served: in its Go struct's field order,
   * with every field Go always prints. Run last, after the strategies' changes.
   */
  storedForm(info: ResourceInfo, obj: KubeObject): KubeObject {
    const definition = this.storageDefinition(info);
    return definition ? (this.p.goForms.normalize(definition, obj as Record<string, unknown>) as KubeObject) : obj;
  }

  /** An object computed rather than stored (a review's answer, a component status) as Go writes it. */
  async computedForm(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    await this.ready();
    return info.definitionName ? (this.p.goForms.normalize(info.definitionName, obj as Record<string, unknown>) as KubeObject) : obj;
  }

  private storageDefinition(info: ResourceInfo): string | undefined {
    if (!this.converts(info)) return info.definitionName;
    const { group, version, kind } = info.storage;
    return this.p.goForms.definitionOf(group, version, kind);
  }

  private decodeError(info: ResourceInfo, detail: string) {
    return badRequest(`${info.kind} in version "${info.version}" cannot be handled as a ${info.kind}: ${detail}`);
  }

  /** Served version → storage version (same object when they are the same). Not for webhook conversions (toStorageAsync). */
  toStorage(info: ResourceInfo, obj: KubeObject): KubeObject {
    const conversion = conversionFor(info);
    if (!conversion) return obj;
    if (this.convertsByWebhook(info)) throw new Error(`${info.qualified} ${info.version} converts through a webhook: use toStorageAsync`);
    return conversion.toStorage(obj);
  }

  /** Served version → storage version, through the CRD's conversion webhook where it has one. */
  async toStorageAsync(info: ResourceInfo, obj: KubeObject): Promise<KubeObject> {
    if (!this.convertsByWebhook(info)) return this.toStorage(info, obj);
    const storageApiVersion = info.storage.group ? `${info.storage.group}/${info.storage.version}` : info.storage.version;
    const [converted] = await this.convertByWebhook(info, [obj], storageApiVersion);
    return converted!;
  }

  converts(info: ResourceInfo): boolean {
    return conversionFor(info) !== undefined;
  }

  /**
   * A custom resource whose CRD converts through a webhook, served in another version than the
   * stored one: every conversion is a call, so read paths convert whole lists at once, ahead of the
   * synchronous toServed.
   */
  convertsByWebhook(info: ResourceInfo): boolean {
    return info.custom?.conversion?.strategy === 'Webhook' && this.converts(info);
  }

  private convertByWebhook(info: ResourceInfo, objects: KubeObject[], toApiVersion: string): Promise<KubeObject[]> {
    const webhook = info.custom?.conversion?.webhook;
    if (!this.conversionWebhooks || !webhook?.clientConfig) {
      throw new ApiError(500, '', `conversion webhook for ${String(objects[0]?.apiVersion)}, Kind=${info.kind} failed: no webhook client`);
    }
    return convertByWebhook({ clientConfig: webhook.clientConfig, conversionReviewVersions: webhook.conversionReviewVersions }, objects, toApiVersion, this.conversionWebhooks);
  }

  /** Storage version → the version of the request's URL. Not for webhook conversions (toServedAll). */
  toServed(info: ResourceInfo, out: ObjectOut): ObjectOut {
    const conversion = conversionFor(info);
    if (!conversion) return out;
    if (this.convertsByWebhook(info)) throw new Error(`${info.qualified} ${info.version} converts through a webhook: use toServedAll`);
    const converted = conversion.fromStorage(out.copy());
    // Stored objects are in Go's form already; a converted one is put in it here, on each read
    // (only the few resources served in a version other than their storage version pay this).
    if (!info.definitionName || !this.prepared) return ObjectOut.fromObject(converted);
    return ObjectOut.fromObject(this.p.goForms.normalize(info.definitionName, converted as Record<string, unknown>) as KubeObject);
  }

  /** Storage version → the URL's version for several objects: one webhook call for them all where the CRD has a conversion webhook. */
  async toServedAll(info: ResourceInfo, outs: readonly ObjectOut[]): Promise<ObjectOut[]> {
    if (!this.convertsByWebhook(info)) return outs.map((out) => this.toServed(info, out));
    if (outs.length === 0) return [];
    const converted = await this.convertByWebhook(info, outs.map((o) => o.copy()), info.apiVersion);
    return converted.map((o) => ObjectOut.fromObject(o));
  }

  async toServedAsync(info: ResourceInfo, out: ObjectOut): Promise<ObjectOut> {
    if (!this.convertsByWebhook(info)) return this.toServed(info, out);
    return (await this.toServedAll(info, [out]))[0]!;
  }

  private kindValidation(info: ResourceInfo): KindValidation | undefined {
    const key = info.storage.group ? `${info.storage.kind}.${info.storage.group}` : info.storage.kind;
    return this.p.parts.kindValidations.get(key);
  }

  validateCreate(info: ResourceInfo, obj: KubeObject, strategy: Strategy, requiredErrors: FieldError[]): void {
    const kv = this.kindValidation(info);
    const errors: FieldError[] = [
      ...requiredErrors,
      ...this.p.parts.validateObjectMeta(obj.metadata, {
        namespaced: info.namespaced,
        validateName: kv?.validateName ?? this.p.parts.nameValidators.dnsSubdomain,
      }),
    ];
    if (!errors.some((e) => e.field.startsWith('metadata.name') || e.field === 'metadata.generateName')) {
      errors.push(...(kv?.validate?.(obj) ?? []));
    }
    errors.push(...(strategy.validate?.(obj) ?? []));
    errors.push(...this.customErrors(info, obj));
    if (errors.length) throw invalid(this.groupKind(info), obj.metadata?.name ?? '', errors);
  }

  validateUpdate(
    info: ResourceInfo,
    obj: KubeObject,
    old: KubeObject,
    strategy: Strategy,
    requiredErrors: FieldError[],
    subresource?: WriteSubresource,
  ): void {
    const kv = this.kindValidation(info);
    const errors: FieldError[] = [...requiredErrors, ...this.p.parts.validateObjectMetaUpdate(obj.metadata, old.metadata)];
    if (subresource === 'status') errors.push(...(kv?.validateStatusUpdate?.(obj, old) ?? []));
    else if (subresource === 'approval') errors.push(...(kv?.validateApprovalUpdate?.(obj, old) ?? []));
    else if (subresource) {
      // finalize and binding change one field the store checked; the kind's update rules (which
      // forbid changing spec) are not theirs.
    } else {
      errors.push(...(kv?.validateUpdate?.(obj, old) ?? kv?.validate?.(obj) ?? []));
      errors.push(...(strategy.validateUpdate?.(obj, old) ?? []));
    }
    if (subresource === undefined || subresource === 'status') errors.push(...this.customErrors(info, obj));
    if (errors.length) throw invalid(this.groupKind(info), obj.metadata?.name ?? '', errors);
  }

  private groupKind(info: ResourceInfo) {
    return { group: info.group, kind: info.kind };
  }
}

function jsonTypeName(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  return typeof value === 'object' ? 'object' : typeof value;
}
