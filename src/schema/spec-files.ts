// Where the Kubernetes OpenAPI spec and protobuf schemas are read from at run time.
export { locateSpec, locateProtoDir, checkoutRoot } from '../../openapi/locate-spec.mjs';
