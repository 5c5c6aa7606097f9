import { z } from 'zod';
import * as contract from '../../contract';
import { problemSchema } from '../../contract/errors';
import { routes, type RouteDef } from '../../contract/routes';

/**
 * The OpenAPI 3.1 document and the client's plain route list, both generated from the route
 * table (contract/routes.ts). scripts/gen-openapi.ts writes them to contract/generated/; the
 * server serves the document at /openapi.json and a browsable page at /docs.
 */
type JsonSchema = Record<string, unknown>;

const all = routes as Record<string, RouteDef>;

/**
 * Named schemas: every object, enum and union the contract exports becomes a component
 * (`#/components/schemas/<Name>`), referenced wherever it is used. Request schemas are taken
 * as the client sends them (zod input), responses as the server answers (output); the two
 * differ (defaults), so request-side components get an `Input` suffix unless the name already
 * says it is a request shape.
 */
const registry = z.registry<{ id: string }>();
for (const [name, value] of Object.entries(contract)) {
  if (value instanceof z.ZodObject || value instanceof z.ZodEnum || value instanceof z.ZodDiscriminatedUnion) {
    // problemSchema -> Problem: the name says what it is, not that it is a schema.
    const id = name.replace(/Schema$/, '');
    registry.add(value, { id: id[0].toUpperCase() + id.slice(1) });
  }
}

const componentName = (id: string, io: 'input' | 'output') =>
  io === 'output' || /(Input|Body|Query|Patch)$/.test(id) ? id : `${id}Input`;

function relink(value: unknown, io: 'input' | 'output'): JsonSchema {
  const text = JSON.stringify(value).replace(/"#\/\$defs\/([A-Za-z0-9_]+)"/g, (_m, id: string) => `"#/components/schemas/${componentName(id, io)}"`);
  return JSON.parse(text) as JsonSchema;
}

class Components {
  readonly schemas: Record<string, JsonSchema> = {};

  convert(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const out = z.toJSONSchema(schema, { io, target: 'draft-2020-12', unrepresentable: 'any', metadata: registry }) as JsonSchema;
    delete out.$schema;
    const defs = (out.$defs ?? {}) as Record<string, unknown>;
    delete out.$defs;
    for (const [id, def] of Object.entries(defs)) {
      const name = componentName(id, io);
      const linked = relink(def, io);
      const existing = this.schemas[name];
      if (existing && JSON.stringify(existing) !== JSON.stringify(linked)) {
        throw new Error(`two different schemas would both be component ${name}`);
      }
      this.schemas[name] = linked;
    }
    return relink(out, io);
  }
}

function shapeOf(schema: z.ZodType | undefined): Record<string, z.ZodType> {
  if (schema && schema instanceof z.ZodObject) return schema.shape as Record<string, z.ZodType>;
  return {};
}

export function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z]+)/g, '{$1}');
}

const problemRef = { $ref: '#/components/schemas/Problem' };
const problemResponse = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: problemRef } },
});

export function buildOpenApi(version = '0.1.0'): JsonSchema {
  const components = new Components();
  const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => components.convert(schema, io);
  const paths: Record<string, Record<string, unknown>> = {};
  const tags = new Set<string>();
  for (const [name, def] of Object.entries(all)) {
    tags.add(def.tag);
    const parameters: unknown[] = [];
    for (const [key, field] of Object.entries(shapeOf(def.params))) {
      parameters.push({ name: key, in: 'path', required: true, schema: jsonSchema(field, 'input') });
    }
    for (const [key, field] of Object.entries(shapeOf(def.query))) {
      parameters.push({ name: key, in: 'query', required: !field.safeParse(undefined).success, schema: jsonSchema(field, 'input') });
    }
    if (def.method !== 'GET' && def.idempotency !== 'none') {
      parameters.push({
        name: 'Idempotency-Key',
        in: 'header',
        required: def.idempotency === 'required',
        description: 'A repeat with the same key and body replays the first response (header Idempotent-Replayed: true).',
        schema: { type: 'string', pattern: '^[A-Za-z0-9_\\-:.]{1,128}$' },
      });
    }
    const status = String(def.status ?? 200);
    const responses: Record<string, unknown> = {
      [status]: {
        description: 'Success',
        content: { 'application/json': { schema: jsonSchema(def.response, 'output') } },
      },
      '400': problemResponse('Invalid input (VALIDATION_FAILED, MALFORMED_JSON, ...)'),
    };
    if (def.auth === 'user' || def.auth === 'staff') responses['401'] = problemResponse('Sign-in required (UNAUTHORIZED)');
    if (def.auth === 'staff') responses['403'] = problemResponse(`Staff of the merchant in another role (FORBIDDEN_ROLE); allowed: ${(def.roles ?? []).join(', ')}`);
    if (def.auth === 'staff') responses['404'] = problemResponse('No such merchant or resource, or not staff of that merchant (NOT_FOUND)');
    else if (def.params) responses['404'] = problemResponse('No such resource, or not yours (NOT_FOUND)');
    if (def.method !== 'GET') {
      responses['409'] = problemResponse('Conflict (state, stock, IDEMPOTENCY_IN_PROGRESS)');
      responses['422'] = problemResponse('Idempotency-Key reused with a different body (IDEMPOTENCY_KEY_REUSED)');
    }
    if (def.body) {
      responses['413'] = problemResponse('Body too large (PAYLOAD_TOO_LARGE)');
      responses['415'] = problemResponse('Body is not application/json (UNSUPPORTED_MEDIA_TYPE)');
    }
    responses['500'] = problemResponse('Unexpected failure (INTERNAL)');

    const operation: Record<string, unknown> = {
      operationId: name,
      summary: def.summary,
      tags: [def.tag],
      parameters,
      responses,
    };
    if (def.auth === 'user' || def.auth === 'staff') operation.security = [{ bearer: [] }];
    // The staff roles that may call it (decision 0023), for the workbench and for readers.
    if (def.auth === 'staff') {
      operation.description = `Staff of the merchant only, as: ${(def.roles ?? []).join(', ')}.`;
      operation['x-staff-roles'] = def.roles;
    }
    // A secret answered once (an invite code): a replay does not carry it.
    if (def.shownOnce) {
      const once = `Shown once: ${def.shownOnce.join(', ')} (a replay with the same Idempotency-Key answers null; the server keeps no copy).`;
      operation.description = operation.description ? `${String(operation.description)} ${once}` : once;
    }
    if (def.auth === 'optional') operation.security = [{}, { bearer: [] }];
    if (def.body) {
      operation.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(def.body, 'input') } } };
    }
    const p = openApiPath(def.path);
    paths[p] = { ...(paths[p] ?? {}), [def.method.toLowerCase()]: operation };
  }
  // The problem schema is a registered component: converting it adds `Problem` to the
  // components (every error response refers to it).
  components.convert(problemSchema, 'output');
  if (!components.schemas.Problem) throw new Error('the problem schema did not become component Problem');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Shop API',
      version,
      description: 'The commerce API. Money is integer fen; times are epoch milliseconds; errors are RFC 9457 problem+json with a stable code.',
    },
    servers: [{ url: '/' }],
    tags: [...tags].map((name) => ({ name })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(components.schemas).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      ),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'Session token from a login route' } },
    },
  };
}

/** contract/generated/routes.ts: a plain data list (no zod) the client resolves paths from. */
export function buildRouteTableSource(): string {
  const lines = Object.entries(all).map(([name, def]) => {
    const idem = def.idempotency ? `'${def.idempotency}'` : 'null';
    return `  ${name}: { method: '${def.method}', path: '${def.path}', auth: '${def.auth}', idempotency: ${idem} },`;
  });
  return [
    '// Generated by scripts/gen-openapi.ts from contract/routes.ts. Do not edit; run `npm run gen`.',
    'export const routeTable = {',
    ...lines,
    '} as const;',
    '',
    'export type RouteTable = typeof routeTable;',
    '',
  ].join('\n');
}

export function openApiJsonText(): string {
  return `${JSON.stringify(buildOpenApi(), null, 2)}\n`;
}

const escapeHtml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A self-contained HTML page listing every route by tag with its schemas (no external assets). */
export function buildDocsHtml(doc: JsonSchema = buildOpenApi()): string {
  const paths = doc.paths as Record<string, Record<string, Record<string, unknown>>>;
  const byTag = new Map<string, string[]>();
  // Pretty JSON with every component reference turned into a link to that schema.
  const pretty = (v: unknown) =>
    `<pre>${escapeHtml(JSON.stringify(v, null, 2)).replace(
      /&quot;#\/components\/schemas\/([A-Za-z0-9_]+)&quot;/g,
      (_m, id: string) => `&quot;<a href="#schema-${id}">#/components/schemas/${id}</a>&quot;`,
    )}</pre>`;
  for (const [p, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = (op.tags as string[])[0];
      const params = (op.parameters as unknown[]).length > 0 ? `<details><summary>Parameters</summary>${pretty(op.parameters)}</details>` : '';
      const body = op.requestBody ? `<details><summary>Request body</summary>${pretty(op.requestBody)}</details>` : '';
      const security = op.security ? '<span class="auth">auth</span>' : '';
      const html = `<section class="op" id="${escapeHtml(String(op.operationId))}">
<h3><span class="m m-${method}">${method.toUpperCase()}</span> <code>${escapeHtml(p)}</code> ${security}</h3>
<p>${escapeHtml(String(op.summary))} <small>(${escapeHtml(String(op.operationId))})</small></p>
${params}${body}<details><summary>Responses</summary>${pretty(op.responses)}</details>
</section>`;
      byTag.set(tag, [...(byTag.get(tag) ?? []), html]);
    }
  }
  const nav = [...byTag.keys()].map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a>`).join(' ');
  const sections = [...byTag.entries()]
    .map(([t, ops]) => `<h2 id="tag-${escapeHtml(t)}">${escapeHtml(t)}</h2>\n${ops.join('\n')}`)
    .join('\n');
  const schemas = (doc.components as { schemas: Record<string, unknown> }).schemas;
  const schemaSection = Object.entries(schemas)
    .map(([id, schema]) => `<section class="op" id="schema-${escapeHtml(id)}"><h3><code>${escapeHtml(id)}</code></h3>${pretty(schema)}</section>`)
    .join('\n');
  const info = doc.info as { title: string; version: string; description: string };
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(info.title)} docs</title>
<style>
body{font-family:system-ui,-apple-system,sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#222}
h2{border-bottom:2px solid #eee;padding-bottom:4px;margin-top:32px;text-transform:capitalize}
.op{border:1px solid #e5e5e5;border-radius:6px;padding:8px 12px;margin:12px 0}
.op h3{margin:4px 0;font-size:16px}.m{display:inline-block;min-width:56px;text-align:center;border-radius:4px;color:#fff;font-size:12px;padding:2px 4px}
.m-get{background:#2f7bd8}.m-post{background:#2a9d55}.m-patch{background:#c58a00}.m-delete{background:#c0392b}
.auth{font-size:11px;background:#555;color:#fff;border-radius:3px;padding:1px 4px}
pre{background:#f7f7f7;padding:8px;overflow:auto;font-size:12px}summary{cursor:pointer;color:#2f7bd8}
nav a{margin-right:12px}
</style></head><body>
<h1>${escapeHtml(info.title)} <small>${escapeHtml(info.version)}</small></h1>
<p>${escapeHtml(info.description)} Machine-readable: <a href="/openapi.json">/openapi.json</a>.</p>
<nav>${nav} <a href="#schemas">schemas</a></nav>
${sections}
<h2 id="schemas">Schemas</h2>
${schemaSection}
</body></html>
`;
}
