// Build step: generates TypeScript types for every Kubernetes object from the OpenAPI spec
// (src/generated/k8s-openapi.ts, ignored by git). openapi-typescript reads OpenAPI 3, so the
// v2 definitions are wrapped as components.schemas with their $refs rewritten.
import { mkdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import openapiTS, { astToString } from 'openapi-typescript';
import { checkoutRoot, locateSpec } from './locate-spec.mjs';

const root = checkoutRoot();
const specPath = locateSpec(root);
const outDir = join(root, 'src', 'generated');
const outFile = join(outDir, 'k8s-openapi.ts');

if (existsSync(outFile) && statSync(outFile).mtimeMs > statSync(specPath).mtimeMs &&
    statSync(outFile).mtimeMs > statSync(new URL(import.meta.url)).mtimeMs) {
  process.exit(0); // up to date
}

const swagger = JSON.parse(readFileSync(specPath, 'utf8'));
const text = JSON.stringify(swagger.definitions).replaceAll('"#/definitions/', '"#/components/schemas/');
const doc = { openapi: '3.0.0', info: swagger.info, paths: {}, components: { schemas: JSON.parse(text) } };
const ast = await openapiTS(doc, { alphabetize: false });
mkdirSync(outDir, { recursive: true });
writeFileSync(outFile, '// Generated from the Kubernetes OpenAPI spec by openapi/generate-types.mjs. Do not edit.\n' + astToString(ast));
console.log(`generated ${outFile}`);
