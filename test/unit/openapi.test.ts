/**
 * The OpenAPI document as generated from the route table and the zod schemas: valid OpenAPI 3.1,
 * complete (every route), and saying what the schemas say.
 */
import { readFile } from 'node:fs/promises';
import { Validator } from '@seriousme/openapi-schema-validator';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { beforeAll, describe, expect, it } from 'vitest';
import * as z from '#shared/zod';
import { ReportInputSchema, parseReportInput } from '#shared/domain/report-input';
import { apiSchemas, reportInputExample } from '#shared/http/api-schemas';
import { buildOpenApiDocument, dashboardTokenScheme, linkTokenScheme } from '#shared/http/openapi';
import { routes, type RouteDefinition } from '#shared/http/routes';
import { openApiFile, openApiText } from '#cli/openapi-command';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
let document: Json;

beforeAll(() => {
  document = buildOpenApiDocument();
});

/** Every `$ref` anywhere under a value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value && typeof value === 'object') {
    return Object.entries(value).flatMap(([key, v]) => (key === '$ref' && typeof v === 'string' ? [v] : refsIn(v)));
  }
  return [];
}

/** The keys zod requires a client to send: those whose schema refuses `undefined`. */
function requiredInputKeys(schema: z.ZodMiniObject): string[] {
  return Object.entries(schema.shape)
    .filter(([, field]) => !(field as z.ZodMiniType).safeParse(undefined).success)
    .map(([key]) => key)
    .sort();
}

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1', async () => {
    // Prepare
    const validator = new Validator();
    // Act
    const result = await validator.validate(structuredClone(document));
    // Assess
    expect(result.errors).toBeUndefined();
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('is what the API serves: the committed shared/http/openapi.json is up to date (else run `npm run openapi`)', async () => {
    // Prepare / Act
    const committed = await readFile(openApiFile, 'utf8');
    // Assess
    expect(committed, 'shared/http/openapi.json は古いです。npm run openapi で更新してください / is stale: run npm run openapi').toBe(openApiText());
  });

  it('has every route of the route table, and no other', () => {
    // Act
    const operations = Object.entries(document.paths as Json).flatMap(([path, item]) => Object.keys(item as Json).map((m) => `${m.toUpperCase()} ${path}`));
    // Assess
    expect(operations.sort()).toEqual(routes.map((r) => `${r.method} ${r.path}`).sort());
  });

  it('shows a route added to the table without any other change', () => {
    // Prepare
    const added: RouteDefinition = { method: 'DELETE', path: '/api/things/{thingId}', fn: 'things', description: 'もの / a thing' };
    // Act
    const withAdded = buildOpenApiDocument([...routes, added]);
    // Assess
    expect(withAdded.paths).toHaveProperty(['/api/things/{thingId}', 'delete', 'parameters', 0, 'name'], 'thingId');
  });

  it('asks for the link token exactly on the routes that take it in the Authorization header', () => {
    for (const route of routes) {
      const operation = (document.paths as Json)[route.path][route.method.toLowerCase()] as Json;
      const schemes = (operation.security as Json[]).map((requirement) => Object.keys(requirement)).flat();
      if (route.auth !== 'bearer-link') expect(schemes, `${route.method} ${route.path}`).toEqual([]);
      else expect(schemes, `${route.method} ${route.path}`).toContain(route.path === '/api/status' ? dashboardTokenScheme : linkTokenScheme);
    }
  });

  it('takes only a 課\'s form link for submitting, also the dashboard link for reading, and only the dashboard link for the whole plan', () => {
    // Act
    const security = (path: string, method: string) => (document.paths as Json)[path][method].security as Json[];
    // Assess
    expect(security('/api/reports', 'post')).toEqual([{ [linkTokenScheme]: [] }]);
    for (const path of ['/api/reports/{reference}', '/api/measures/{measureId}/reports', '/api/measures/{measureId}/status', '/api/bukai/{bukaiId}/status']) {
      expect(security(path, 'get'), path).toEqual([{ [linkTokenScheme]: [] }, { [dashboardTokenScheme]: [] }]);
      expect(Object.keys((document.paths as Json)[path].get.responses), path).toContain('403');
    }
    expect(security('/api/status', 'get')).toEqual([{ [dashboardTokenScheme]: [] }]);
    expect(Object.keys(document.components.securitySchemes)).toEqual([linkTokenScheme, dashboardTokenScheme]);
  });

  it('resolves every $ref to a component it contains', () => {
    // Act
    const refs = [...new Set(refsIn(document))];
    // Assess
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      expect(ref).toMatch(/^#\/components\/schemas\//);
      expect(document.components.schemas).toHaveProperty([ref.slice('#/components/schemas/'.length)]);
    }
  });

  it('declares the report body with exactly the required fields and properties of ReportInputSchema', () => {
    // Prepare
    const declared = document.components.schemas.ReportInput as Json;
    // Act / Assess
    expect([...(declared.required as string[])].sort()).toEqual(requiredInputKeys(ReportInputSchema));
    expect(Object.keys(declared.properties as Json).sort()).toEqual(Object.keys(ReportInputSchema.shape).sort());
    expect(declared.additionalProperties).toBe(false);
    expect(declared.properties.status.enum).toEqual(ReportInputSchema.shape.status._zod.def.innerType.options);
  });

  it('declares as required exactly the fields whose absence the schema refuses', () => {
    // Prepare
    const declared = new Set(document.components.schemas.ReportInput.required as string[]);
    for (const key of Object.keys(ReportInputSchema.shape)) {
      const { [key]: _left, ...without } = reportInputExample as Record<string, unknown>;
      // Act
      const refused = !ReportInputSchema.safeParse(without).success;
      // Assess
      expect(refused, key).toBe(declared.has(key));
    }
  });

  it('gives an example body that the document\'s schema and the code both accept', () => {
    // Prepare
    const ajv = new Ajv2020({ strict: false });
    ajv.addSchema({ $id: 'https://shinchoku.invalid/openapi.json', components: document.components });
    const example = document.paths['/api/reports'].post.requestBody.content['application/json'].example as unknown;
    // Act
    const valid = ajv.validate({ $ref: 'https://shinchoku.invalid/openapi.json#/components/schemas/ReportInput' }, example);
    // Assess
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    expect(() => parseReportInput(example)).not.toThrow();
  });

  it('names only schemas that exist, and generates each of them', () => {
    const names = new Set(Object.keys(apiSchemas));
    for (const route of routes) {
      for (const doc of Object.values(route.docs?.responses ?? {})) {
        expect(names.has(typeof doc === 'string' ? doc : (doc.schema ?? 'ApiError'))).toBe(true);
      }
    }
    expect(Object.keys(document.components.schemas).every((name) => names.has(name))).toBe(true);
  });
});
