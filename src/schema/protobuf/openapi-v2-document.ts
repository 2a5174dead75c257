// /openapi/v2 as protobuf: the swagger JSON → gnostic's openapi.v2.Document message, built the
// way gnostic-models (openapiv2/OpenAPIv2.go) builds it from a parsed JSON/YAML document:
// - a proto field `foo_bar` reads the JSON key `fooBar`; `_ref` reads `$ref`;
// - `vendor_extension` collects the `x-*` keys as NamedAny, whose Any carries the value as YAML;
// - map-shaped messages (Definitions, Properties, ParameterDefinitions, …) hold
//   `additional_properties`, a list of Named* {name, value} in document order; Paths takes the
//   "/…" keys, Responses the status-code and "default" keys;
// - oneof wrappers pick their member from the JSON: ParametersItem and ResponseValue a
//   JsonReference when `$ref` is present, Parameter/NonBodyParameter by `in`, SchemaItem a
//   FileSchema for `type: file`, AdditionalPropertiesItem a Schema or a boolean;
// - TypeItem accepts a string or a list, ItemsItem a schema or a list of schemas.
// Field numbers come from OpenAPIv2.proto; the message is written straight into a protobufjs
// Writer (the spec has ~25k schema objects; building protobufjs objects first doubled the time).
import { join } from 'node:path';
import protobuf from 'protobufjs';
import { stringify as toYaml } from 'yaml';
import { locateProtoDir } from '../spec-files.js';

type JsonObject = Record<string, unknown>;
type Write = (json: unknown, writer: protobuf.Writer) => void;

const VARINT = 0, FIXED64 = 1, LENGTH_DELIMITED = 2;
const RESPONSE_CODE = /^([0-9]{3})$|^(default)$/;

/** Encodes a Swagger 2.0 document as an openapi.v2.Document message. */
export function encodeOpenApiV2Document(swagger: Record<string, unknown>, protoDir: string = locateProtoDir()): Uint8Array {
  const root = new protobuf.Root();
  root.loadSync(join(protoDir, 'openapiv2', 'OpenAPIv2.proto'), { keepCase: true });
  const writer = protobuf.Writer.create();
  createDocumentWriter(root).write('Document', swagger, writer);
  return writer.finish();
}

function createDocumentWriter(root: protobuf.Root) {
  const types = new Map<string, protobuf.Type>();
  const type = (name: string): protobuf.Type => {
    let found = types.get(name);
    if (!found) {
      found = root.lookupType(`openapi.v2.${name}`);
      types.set(name, found);
    }
    return found;
  };
  const fieldId = (typeName: string, field: string): number => {
    const found = type(typeName).fields[field];
    if (!found) throw new Error(`openapi.v2.${typeName} has no field ${field}`);
    return found.id;
  };
  // Vendor-extension values repeat a lot ("merge", "get", GVK lists); YAML is costly to print.
  const yamlCache = new Map<string, string>();
  const messageWriters = new Map<string, Write>();

  /** Writes `json` as the body (no tag, no length) of message `typeName`. */
  function write(typeName: string, json: unknown, writer: protobuf.Writer): void {
    let body = messageWriters.get(typeName);
    if (!body) {
      body = special[typeName] ?? objectWriter(type(typeName));
      messageWriters.set(typeName, body);
    }
    body(json, writer);
  }

  /** Writes a length-delimited message field. */
  function nested(id: number, typeName: string, json: unknown, writer: protobuf.Writer): void {
    writer.uint32(tag(id, LENGTH_DELIMITED)).fork();
    write(typeName, json, writer);
    writer.ldelim();
  }

  function yamlOf(value: unknown): string {
    const key = typeof value === 'string' ? value : JSON.stringify(value);
    let text = yamlCache.get(key);
    if (text === undefined) {
      text = toYaml(value, { lineWidth: 0 });
      yamlCache.set(key, text);
    }
    return text;
  }

  /** A oneof wrapper: writes the chosen member as a nested message. */
  function member(wrapper: string, pick: (json: JsonObject) => [string, string] | undefined): Write {
    return (json, writer) => {
      if (!isObject(json)) return;
      const chosen = pick(json);
      if (chosen) nested(fieldId(wrapper, chosen[0]), chosen[1], json, writer);
    };
  }

  const special: Record<string, Write> = {
    Any: (json, writer) => {
      writer.uint32(tag(fieldId('Any', 'yaml'), LENGTH_DELIMITED)).string(yamlOf(json));
    },
    TypeItem: (json, writer) => writeStrings(fieldId('TypeItem', 'value'), typeof json === 'string' ? [json] : json, writer),
    StringArray: (json, writer) => writeStrings(fieldId('StringArray', 'value'), json, writer),
    ItemsItem: (json, writer) => {
      const id = fieldId('ItemsItem', 'schema');
      for (const schema of Array.isArray(json) ? json : [json]) if (isObject(schema)) nested(id, 'Schema', schema, writer);
    },
    AdditionalPropertiesItem: (json, writer) => {
      // A oneof member is written even when it holds false.
      if (typeof json === 'boolean') writer.uint32(tag(fieldId('AdditionalPropertiesItem', 'boolean'), VARINT)).bool(json);
      else if (isObject(json)) nested(fieldId('AdditionalPropertiesItem', 'schema'), 'Schema', json, writer);
    },
    ParametersItem: member('ParametersItem', (json) =>
      typeof json.$ref === 'string' ? ['json_reference', 'JsonReference'] : ['parameter', 'Parameter'],
    ),
    ResponseValue: member('ResponseValue', (json) => (typeof json.$ref === 'string' ? ['json_reference', 'JsonReference'] : ['response', 'Response'])),
    Parameter: member('Parameter', (json) => (json.in === 'body' ? ['body_parameter', 'BodyParameter'] : ['non_body_parameter', 'NonBodyParameter'])),
    NonBodyParameter: member('NonBodyParameter', (json) => NON_BODY_MEMBERS[String(json.in)]),
    SchemaItem: member('SchemaItem', (json) => (json.type === 'file' ? ['file_schema', 'FileSchema'] : ['schema', 'Schema'])),
    SecurityDefinitionsItem: member('SecurityDefinitionsItem', (json) =>
      json.type === 'oauth2' ? OAUTH2_MEMBERS[String(json.flow)] : SECURITY_MEMBERS[String(json.type)],
    ),
  };

  /** An ordinary message: one writer per field, worked out once per message type. */
  function objectWriter(messageType: protobuf.Type): Write {
    const fields = messageType.fieldsArray.map((field) => fieldWriter(messageType, field));
    return (json, writer) => {
      if (!isObject(json)) return;
      for (const f of fields) f(json, writer);
    };
  }

  function fieldWriter(owner: protobuf.Type, field: protobuf.Field): (json: JsonObject, writer: protobuf.Writer) => void {
    field.resolve();
    const id = field.id;
    if (field.name === 'vendor_extension') return named(field, (key) => key.startsWith('x-'));
    if (field.repeated && field.type.startsWith('Named')) {
      if (owner.name === 'Paths') return named(field, (key) => key.startsWith('/'));
      if (owner.name === 'Responses') return named(field, (key) => RESPONSE_CODE.test(key));
      return named(field, () => true);
    }
    const key = jsonKeyOf(field.name);
    const messageName = field.resolvedType instanceof protobuf.Type ? field.resolvedType.name : undefined;
    if (messageName) {
      if (field.repeated) {
        return (json, writer) => {
          const value = json[key];
          if (Array.isArray(value)) for (const item of value) nested(id, messageName, item, writer);
        };
      }
      return (json, writer) => {
        const value = json[key];
        if (value !== undefined && value !== null) nested(id, messageName, value, writer);
      };
    }
    if (field.repeated) return (json, writer) => writeStrings(id, json[key], writer);
    // proto3: zero values stay off the wire, as Go's marshaller leaves them.
    switch (field.type) {
      case 'string':
        return (json, writer) => {
          const value = json[key];
          if (typeof value === 'string' && value !== '') writer.uint32(tag(id, LENGTH_DELIMITED)).string(value);
        };
      case 'bool':
        return (json, writer) => {
          if (json[key] === true) writer.uint32(tag(id, VARINT)).bool(true);
        };
      case 'double':
        return (json, writer) => {
          const value = json[key];
          if (typeof value === 'number' && value !== 0) writer.uint32(tag(id, FIXED64)).double(value);
        };
      case 'int64':
        return (json, writer) => {
          const value = json[key];
          if (typeof value === 'number' && value !== 0) writer.uint32(tag(id, VARINT)).int64(value);
        };
      default:
        throw new Error(`unexpected field type ${field.type} in openapi.v2.${owner.name}`);
    }
  }

  /** NamedX entries {1: name, 2: value} for the keys `accept` takes, in document order. */
  function named(field: protobuf.Field, accept: (key: string) => boolean): (json: JsonObject, writer: protobuf.Writer) => void {
    const entryType = field.resolvedType as protobuf.Type;
    const nameId = entryType.fields.name!.id;
    const valueField = entryType.fields.value!;
    valueField.resolve();
    const valueType = valueField.resolvedType instanceof protobuf.Type ? valueField.resolvedType.name : undefined;
    return (json, writer) => {
      for (const key in json) {
        if (!accept(key)) continue;
        const value = json[key];
        writer.uint32(tag(field.id, LENGTH_DELIMITED)).fork();
        writer.uint32(tag(nameId, LENGTH_DELIMITED)).string(key);
        if (valueType) nested(valueField.id, valueType, value, writer);
        else if (typeof value === 'string' && value !== '') writer.uint32(tag(valueField.id, LENGTH_DELIMITED)).string(value);
        writer.ldelim();
      }
    };
  }

  return { write };
}

const NON_BODY_MEMBERS: Record<string, [string, string]> = {
  header: ['header_parameter_sub_schema', 'HeaderParameterSubSchema'],
  formData: ['form_data_parameter_sub_schema', 'FormDataParameterSubSchema'],
  query: ['query_parameter_sub_schema', 'QueryParameterSubSchema'],
  path: ['path_parameter_sub_schema', 'PathParameterSubSchema'],
};

const SECURITY_MEMBERS: Record<string, [string, string]> = {
  basic: ['basic_authentication_security', 'BasicAuthenticationSecurity'],
  apiKey: ['api_key_security', 'ApiKeySecurity'],
};

const OAUTH2_MEMBERS: Record<string, [string, string]> = {
  implicit: ['oauth2_implicit_security', 'Oauth2ImplicitSecurity'],
  password: ['oauth2_password_security', 'Oauth2PasswordSecurity'],
  application: ['oauth2_application_security', 'Oauth2ApplicationSecurity'],
  accessCode: ['oauth2_access_code_security', 'Oauth2AccessCodeSecurity'],
};

function writeStrings(id: number, json: unknown, writer: protobuf.Writer): void {
  if (!Array.isArray(json)) return;
  for (const item of json) if (typeof item === 'string') writer.uint32(tag(id, LENGTH_DELIMITED)).string(item);
}

/** `base_path` → `basePath`, `_ref` → `$ref`. */
function jsonKeyOf(protoName: string): string {
  if (protoName === '_ref') return '$ref';
  return protoName.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function tag(id: number, wireType: number): number {
  return ((id << 3) | wireType) >>> 0;
}

function isObject(json: unknown): json is JsonObject {
  return typeof json === 'object' && json !== null && !Array.isArray(json);
}
