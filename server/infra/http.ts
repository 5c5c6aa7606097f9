import type { FastifyBaseLogger, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import { routeAuthProblems, routes, type RouteDef, type RouteName, type RouteOutput, type Routes } from '../../contract/routes';
import type { Database } from '../db/types';
import type { Config } from './config';
import { AppError, PROBLEM_CONTENT_TYPE, problemBody, validationError, type FieldError } from './errors';
import { IDEMPOTENCY_KEY_PATTERN, requestHash, runIdempotent, withoutShownOnce, type StoredResponse } from './idempotency';
import type { StaffRole } from '../../contract/merchant';
import { bearerToken, verifyToken, type TokenPayload } from './tokens';

export interface AuthUser {
  id: string;
  /** Where the account signed in (weapp, alipay, tt, h5) and its openid there. */
  platform: string;
  openid: string;
}

/** On a staff route: who the caller is at the merchant the path names. */
export interface StaffAccess {
  merchantId: string;
  userId: string;
  /** The membership's id (merchant_staff.id). */
  staffId: string;
  role: StaffRole;
}

/**
 * How a request's caller is resolved, given by the app (the identity module's accounts and the
 * merchant module's staff), so the HTTP layer knows no module.
 */
export interface Access {
  /** The account a verified token stands for: null when unknown or revoked; throws ACCOUNT_DISABLED. */
  session(db: Kysely<Database>, token: TokenPayload): Promise<AuthUser | null>;
  /** The caller's membership of `merchantId` in one of `roles`; throws NOT_FOUND (not staff there) or FORBIDDEN_ROLE. */
  staff(db: Kysely<Database>, userId: string, merchantId: unknown, roles: readonly StaffRole[]): Promise<StaffAccess>;
}

export interface AppDeps {
  db: Kysely<Database>;
  config: Config;
  access: Access;
  /**
   * Admission control per route, run before anything touches the database (no account read, no
   * idempotency record) for requests whose bearer token verifies: it sees the raw body and
   * throws an AppError to refuse (the live module's, for createOrder: docs/live.md).
   */
  admit?: Partial<Record<RouteName, (body: unknown) => void>>;
}

type SchemaOutput<R, K extends string> = R extends Record<K, infer S> ? (S extends z.ZodType ? z.output<S> : undefined) : undefined;
type UserFor<R> = R extends { auth: 'user' | 'staff' } ? AuthUser : AuthUser | null;

/** On auth 'staff' routes: the caller's membership of the merchant the path names, in a role the route allows (other routes' contexts may leave it out). */
type StaffPart<R> = R extends { auth: 'staff' } ? { staff: StaffAccess } : { staff?: null };

export type HandlerContext<N extends RouteName> = ContextBase<N> & StaffPart<Routes[N]>;

interface ContextBase<N extends RouteName> {
  params: SchemaOutput<Routes[N], 'params'>;
  query: SchemaOutput<Routes[N], 'query'>;
  body: SchemaOutput<Routes[N], 'body'>;
  /** Non-null on routes with auth 'user' or 'staff'; null for a guest on 'optional' and 'none' routes. */
  user: UserFor<Routes[N]>;
  db: Kysely<Database>;
  config: Config;
  log: FastifyBaseLogger;
  requestId: string;
  /** The caller's IP address (behind a proxy: from X-Forwarded-For, trustProxy is on). */
  ip: string;
  idempotencyKey: string | null;
  /** Adds a response header (not stored for idempotent replays). */
  setHeader(name: string, value: string): void;
}

export type Handler<N extends RouteName> = (ctx: HandlerContext<N>) => Promise<RouteOutput<N>>;
export type HandlerMap = { [N in RouteName]?: Handler<N> };

/** Types a module's handlers against the route table: `defineHandlers({ getProduct: async (ctx) => ... })`. */
export function defineHandlers<K extends RouteName>(handlers: { [N in K]: Handler<N> }): { [N in K]: Handler<N> } {
  return handlers;
}

/** The context as the generic registration code sees it (every route at once). */
interface LooseContext {
  params: unknown;
  query: unknown;
  body: unknown;
  user: AuthUser | null;
  staff: StaffAccess | null;
  db: Kysely<Database>;
  config: Config;
  log: FastifyBaseLogger;
  requestId: string;
  ip: string;
  idempotencyKey: string | null;
  setHeader(name: string, value: string): void;
}
// Method syntax keeps the parameter bivariant, so every Handler<N> fits.
type LooseHandler = { call(ctx: LooseContext): Promise<unknown> }['call'];

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

function zodErrors(location: string, error: z.ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    const base = [location, ...issue.path.map(String)].join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: `${base}.${key}`, message: 'unknown field' });
    } else {
      out.push({ path: base, message: issue.message });
    }
  }
  return out;
}

function parsePart(schema: z.ZodType | undefined, value: unknown, location: string, errors: FieldError[]): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) {
    errors.push(...zodErrors(location, result.error));
    return undefined;
  }
  return result.data;
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || (typeof body === 'object' && !Array.isArray(body) && Object.keys(body).length === 0);
}

export function isJsonContentType(header: string | undefined): boolean {
  if (!header) return false;
  const type = header.split(';')[0].trim().toLowerCase();
  return type === 'application/json';
}

export function sendProblem(reply: FastifyReply, err: AppError, requestId: string): FastifyReply {
  const retryAfter = err.extra?.retryAfterSeconds;
  if (err.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
  return reply.code(err.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problemBody(err, requestId));
}

/**
 * Resolve the signed-in user from the bearer token; `required` throws 401 without one. A token
 * stands for a user only while its account exists, is active and has the token's version (one
 * prepared primary-key read per request); a disabled account's token is 401 ACCOUNT_DISABLED
 * on every route that looks at tokens.
 */
export async function authenticate(req: FastifyRequest, deps: AppDeps, mode: RouteDef['auth']): Promise<AuthUser | null> {
  if (mode === 'none') return null;
  const token = bearerToken(req.headers.authorization);
  const payload = token ? verifyToken(deps.config.tokenSecret, token) : null;
  const account = payload ? await deps.access.session(deps.db, payload) : null;
  if (account) return account;
  if (mode === 'user' || mode === 'staff') {
    throw new AppError('UNAUTHORIZED', token ? 'The session token is invalid or expired; sign in again' : 'Sign in to continue');
  }
  // 'optional': a stale token makes the caller a guest rather than failing a guest-capable route.
  return null;
}

/**
 * The one place merchant routes are authorised: on an auth 'staff' route, the signed-in
 * caller's membership of the merchant its path names (`:merchantId`), read on every request
 * (one prepared read; nothing cached, so a removed member is refused at their next request).
 * Not staff of that merchant: 404 NOT_FOUND, as for a merchant that does not exist; a role the
 * route does not allow: 403 FORBIDDEN_ROLE. It runs before the request is validated, so a
 * stranger learns nothing from the answers to bad input either.
 */
async function authorize(req: FastifyRequest, deps: AppDeps, def: RouteDef, user: AuthUser | null): Promise<StaffAccess | null> {
  if (def.auth !== 'staff') return null;
  if (!user || !def.roles) throw new Error(`staff route ${def.path} reached without a user or roles`);
  return deps.access.staff(deps.db, user.id, (req.params as Record<string, unknown> | undefined)?.merchantId, def.roles);
}

interface Prepared {
  params: unknown;
  query: unknown;
  body: unknown;
}

function prepare(def: RouteDef, req: FastifyRequest): Prepared {
  const errors: FieldError[] = [];
  const hasBody = !isEmptyBody(req.body);
  if (hasBody && !isJsonContentType(req.headers['content-type'])) {
    throw new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
  }
  const params = parsePart(def.params, req.params, 'params', errors);
  // Routes without a query schema ignore the query string (cache busters and the like).
  const query = parsePart(def.query, req.query ?? {}, 'query', errors);
  let body: unknown;
  if (def.body) {
    body = parsePart(def.body, req.body, 'body', errors);
    if (req.body === undefined && errors.length > 0) {
      // Make the most common client mistake obvious.
      errors.unshift({ path: 'body', message: 'a JSON body is required' });
    }
  } else if (hasBody) {
    errors.push({ path: 'body', message: 'this route takes no request body' });
  }
  if (errors.length > 0) throw validationError(errors);
  return { params, query, body };
}

function idempotencyKeyOf(def: RouteDef, req: FastifyRequest): string | null {
  const raw = req.headers[IDEMPOTENCY_HEADER];
  if (Array.isArray(raw)) throw validationError([{ path: 'headers.Idempotency-Key', message: 'send one Idempotency-Key' }]);
  if (raw === undefined || raw === '') {
    if (def.idempotency === 'required') {
      throw new AppError('IDEMPOTENCY_KEY_REQUIRED', 'Send an Idempotency-Key header (1-128 characters: letters, digits, _ - : .)');
    }
    return null;
  }
  if (!IDEMPOTENCY_KEY_PATTERN.test(raw)) {
    throw validationError([{ path: 'headers.Idempotency-Key', message: 'must be 1-128 characters: letters, digits, _ - : .' }]);
  }
  return raw;
}

function toResponse(err: unknown, req: FastifyRequest): StoredResponse {
  if (err instanceof AppError && err.status < 500) {
    req.log.info({ code: err.code, detail: err.detail }, 'request rejected');
    return { status: err.status, body: problemBody(err, req.id) };
  }
  throw err;
}

/**
 * Registers every route of the contract with its module handler. A route without a handler
 * fails start-up, so nothing in the contract is silently missing.
 */
export function registerRoutes(app: FastifyInstance, handlers: HandlerMap, deps: AppDeps): void {
  const loose = handlers as Record<string, LooseHandler | undefined>;
  const names = Object.keys(routes) as RouteName[];
  const missing = names.filter((n) => typeof loose[n] !== 'function');
  if (missing.length > 0) throw new Error(`no handler for route(s): ${missing.join(', ')}`);
  const unknown = Object.keys(handlers).filter((n) => !(n in routes));
  if (unknown.length > 0) throw new Error(`handlers for routes that are not in the contract: ${unknown.join(', ')}`);
  const authProblems = routeAuthProblems(routes);
  if (authProblems.length > 0) throw new Error(`routes that break the staff rule: ${authProblems.join('; ')}`);

  for (const name of names) {
    const def: RouteDef = routes[name];
    const handler = loose[name] as LooseHandler;
    const successStatus = def.status ?? 200;

    app.route({
      method: def.method,
      url: def.path,
      handler: async (req, reply) => {
        const admit = deps.admit?.[name];
        if (admit) {
          const token = bearerToken(req.headers.authorization);
          try {
            if (token && verifyToken(deps.config.tokenSecret, token)) admit(req.body);
          } catch (err) {
            if (!(err instanceof AppError)) throw err;
            req.log.info({ code: err.code, detail: err.detail }, 'request refused by admission control');
            // Says the answer came from memory, before the database (monitoring, bench:flash).
            return sendProblem(reply.header('x-admission', 'refused'), err, req.id);
          }
        }
        const user = await authenticate(req, deps, def.auth);
        const staff = await authorize(req, deps, def, user);
        const input = prepare(def, req);
        const idempotencyKey = def.method === 'GET' || def.idempotency === 'none' ? null : idempotencyKeyOf(def, req);
        const extraHeaders: Record<string, string> = {};
        const ctx: LooseContext = {
          ...input,
          user,
          staff,
          db: deps.db,
          config: deps.config,
          log: req.log,
          requestId: req.id,
          ip: req.ip,
          idempotencyKey,
          setHeader: (h, v) => {
            extraHeaders[h] = v;
          },
        };
        const exec = async (): Promise<StoredResponse> => {
          try {
            const result = await handler(ctx);
            return { status: successStatus, body: successStatus === 204 ? null : (result ?? null) };
          } catch (err) {
            return toResponse(err, req);
          }
        };

        let response: StoredResponse;
        if (idempotencyKey) {
          const outcome = await runIdempotent(
            deps.db,
            { scope: user?.id ?? 'anon', key: idempotencyKey, route: name, requestHash: requestHash(input) },
            exec,
            def.shownOnce ? { keep: withoutShownOnce(def.shownOnce) } : {},
          );
          response = outcome.response;
          if (outcome.replayed) {
            reply.header(REPLAYED_HEADER, 'true');
            // A replayed problem names this request, so the logs line up.
            if (response.status >= 400 && response.body && typeof response.body === 'object') {
              response = { ...response, body: { ...response.body, requestId: req.id } };
            }
          }
        } else {
          response = await exec();
        }
        for (const [h, v] of Object.entries(extraHeaders)) reply.header(h, v);
        reply.code(response.status);
        if (response.status === 204 || response.body === null) return reply.send();
        const retryAfter = (response.body as { retryAfterSeconds?: unknown }).retryAfterSeconds;
        if (response.status === 429 && typeof retryAfter === 'number') reply.header('retry-after', String(retryAfter));
        reply.header('content-type', response.status >= 400 ? PROBLEM_CONTENT_TYPE : 'application/json; charset=utf-8');
        return reply.send(JSON.stringify(response.body));
      },
    });
  }
}

/** Converts contract paths (/api/products/:id) to matchers, for 405 answers on known paths. */
const pathMatchers = Object.values(routes as Record<string, RouteDef>).map((def) => ({
  method: def.method,
  regex: new RegExp(`^${def.path.replace(/:[A-Za-z]+/g, '[^/]+')}$`),
}));

/** Methods the contract allows on a concrete path (empty when the path is unknown). */
export function allowedMethods(url: string): string[] {
  const pathname = url.split('?')[0];
  return pathMatchers.filter((m) => m.regex.test(pathname)).map((m) => m.method);
}
