import { existsSync, statSync } from 'node:fs';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from './db/types';
import type { Config } from './infra/config';
import { AppError, PROBLEM_CONTENT_TYPE, problemBody } from './infra/errors';
import * as health from './infra/health';
import { allowedMethods, registerRoutes, sendProblem, type AppDeps, type HandlerMap } from './infra/http';
import { loggerOptions, requestIdOf } from './infra/logging';
import { buildDocsHtml, buildOpenApi } from './infra/openapi';
import * as address from './modules/address';
import * as catalog from './modules/catalog';
import { identityHandlers } from './modules/identity';
import * as cart from './modules/cart';
import type { ChannelRegistry } from './channels/registry';
import { orderHandlers } from './modules/order';
import { paymentModule, type PaymentDeps } from './modules/payment';
import * as wallet from './modules/wallet';
import { authorizeStaff, merchantModule } from './modules/merchant';
import { afterSaleModule } from './modules/aftersale';
import * as dashboard from './modules/dashboard';
import { referralModule } from './modules/referral';
import { referralCommissionHandlers, withdrawalModule } from './modules/referral';
import type { PayoutRegistry } from './channels/payout';
import { MERCHANT_TOPIC_ROLES, type StaffRole } from '../contract/merchant';
import { LIVE_BOARD_TOPIC_ROLES } from '../contract/live';
import { buildCore, type Core } from './compose';
import { createAppCodes, shareModule } from './appcodes';
import { registerStandIns, type ChannelStandIns } from './standins';
import { onTransientRetry } from './db/transaction';
import { createRealtime, type Realtime } from './realtime';
import { liveModule, liveSessionMerchant, type WechatLiveGoods } from './modules/live';
import type { VolatileChannel } from './realtime/volatile';
import { natsOutboxSinks } from './infra/nats-sink';
import { verifyToken } from './infra/tokens';
import { sessionAccount } from './modules/identity';

/**
 * A module: its contract handlers, and optionally routes outside the contract (images, channel
 * notifications) registered through `registerExtra`.
 */
export interface ServerModule {
  handlers: HandlerMap;
  registerExtra?: (app: FastifyInstance, deps: AppDeps) => void | Promise<void>;
}

export interface BuildAppOptions {
  config: Config;
  db: Kysely<Database>;
  /** Structured JSON logs; false in tests. */
  logger?: boolean;
  /** The payment channels served; default: every configured channel, and DevPay when SANDBOX=on. */
  channels?: ChannelRegistry;
  /** The payout channels (promoters' withdrawals); default: every configured channel that can transfer. */
  payouts?: PayoutRegistry;
  /** WeChat's live room goods for the live module; default none (linking a room answers 503). */
  liveWechat?: WechatLiveGoods | null;
  /** The volatile channel between the API nodes (tests share one between two apps); default: this process only. */
  volatile?: VolatileChannel;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The modules as put together (server/compose.ts), for the jobs of this process. */
    core: Core;
    /** The payment core's dependencies (channel registry, outbox, wallet config). */
    paymentDeps: PaymentDeps;
    /** The realtime channel of this node (hub, bus, outbox sink). */
    realtime: Realtime;
    /** With SANDBOX=on: the payment channels' stand-ins in this process (their fault controls and notifiers). */
    channelStandIns: ChannelStandIns | null;
  }
}

function fastifyErrorToAppError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  switch (err.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new AppError('PAYLOAD_TOO_LARGE', 'The request body is larger than the server accepts');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the request body as application/json');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return new AppError('MALFORMED_JSON', 'The request body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new AppError('VALIDATION_FAILED', 'Content-Length does not match the body');
    default:
      break;
  }
  const status = err.statusCode ?? 500;
  if (status === 404) return new AppError('ROUTE_NOT_FOUND');
  if (status === 405) return new AppError('METHOD_NOT_ALLOWED');
  if (status === 413) return new AppError('PAYLOAD_TOO_LARGE');
  if (status === 415) return new AppError('UNSUPPORTED_MEDIA_TYPE');
  if (status === 429) return new AppError('RATE_LIMITED');
  if (status >= 400 && status < 500) return new AppError('VALIDATION_FAILED', err.message);
  return new AppError('INTERNAL', 'Something went wrong on our side; try again later');
}

function corsAllowed(config: Config, origin: string): boolean {
  return config.sandbox || config.corsOrigins.includes('*') || config.corsOrigins.includes(origin);
}

/** A build file whose name carries its content hash (`app.298f3dbe.js`): safe to cache for good. */
const HASHED_ASSET = /\.[0-9a-f]{8,}\.[a-z0-9]+$/i;

export async function buildApp(options: BuildAppOptions): Promise<FastifyInstance> {
  const { config, db } = options;
  const deps: AppDeps = { config, db, access: { session: sessionAccount, staff: authorizeStaff } };
  const app = Fastify({
    logger: loggerOptions(config, options.logger ?? true),
    genReqId: requestIdOf,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: true,
    return503OnClosing: false,
    // A request that takes longer than this (slow or stalled client) is cut off.
    requestTimeout: 30_000,
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors: (error, req, reply) => {
      const err = new AppError('VALIDATION_FAILED', error.message || 'The request URL is not valid');
      void sendProblem(reply, err, req.id);
    },
  });

  // Request id echoed on every response; CORS for the H5 dev server.
  app.addHook('onRequest', async (req, reply) => {
    reply.header('x-request-id', req.id);
    const origin = req.headers.origin;
    if (origin && corsAllowed(config, origin)) {
      reply.header('access-control-allow-origin', origin);
      reply.header('vary', 'Origin');
      reply.header('access-control-expose-headers', 'x-request-id, idempotent-replayed, retry-after');
      if (req.method === 'OPTIONS' && req.headers['access-control-request-method']) {
        reply.header('access-control-allow-methods', 'GET, POST, PATCH, DELETE, OPTIONS');
        reply.header('access-control-allow-headers', 'authorization, content-type, idempotency-key, x-request-id');
        reply.header('access-control-max-age', '600');
        return reply.code(204).send();
      }
    }
    return undefined;
  });

  // Bodies: JSON (an empty body counts as none) and form-encoded (channel notifications and
  // the Alipay gateway stand-in). Contract routes accept only JSON (checked in http.ts).
  app.removeAllContentTypeParsers();
  const defaultJson = app.getDefaultJsonParser('error', 'error');
  // A JSON body must be valid UTF-8: an invalid sequence (a surrogate encoded as bytes, a stray
  // byte) is refused, never decoded to U+FFFD in place of what the client sent.
  const utf8 = new TextDecoder('utf-8', { fatal: true });
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (req, body, done) => {
    let text: string;
    try {
      text = typeof body === 'string' ? body : utf8.decode(body);
    } catch {
      done(new AppError('MALFORMED_JSON', 'The request body is not valid UTF-8'), undefined);
      return;
    }
    if (text.trim() === '') {
      done(null, undefined);
      return;
    }
    defaultJson(req, text, (err, value) => {
      if (err) done(new AppError('MALFORMED_JSON', 'The request body is not valid JSON'), undefined);
      else done(null, value);
    });
  });
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    done(null, Object.fromEntries(new URLSearchParams(text)));
  });

  app.setErrorHandler((error: FastifyError, req: FastifyRequest, reply: FastifyReply) => {
    const err = fastifyErrorToAppError(error);
    if (err.status >= 500) req.log.error({ err: error }, 'unhandled error');
    else req.log.info({ code: err.code, detail: err.detail }, 'request rejected');
    return reply.code(err.status).header('content-type', PROBLEM_CONTENT_TYPE).send(problemBody(err, req.id));
  });

  app.setNotFoundHandler((req, reply) => {
    const allowed = allowedMethods(req.url);
    if (allowed.length > 0 && !allowed.includes(req.method)) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(reply, new AppError('METHOD_NOT_ALLOWED', `${req.method} is not allowed here; use ${allowed.join(' or ')}`), req.id);
    }
    return sendProblem(reply, new AppError('ROUTE_NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}`), req.id);
  });

  // A transaction run again after a deadlock or serialization failure (server/db/transaction.ts)
  // is a lock-order bug to find, even though nobody saw an error: log each one with its cause.
  const stopWatchingRetries = onTransientRetry(db, (retry) =>
    app.log.warn({ sqlstate: retry.code, attempt: retry.attempt, cause: retry.message }, `transaction run again after a ${retry.reason}`),
  );
  app.addHook('onClose', async () => {
    stopWatchingRetries();
  });

  /** Whether the user is the merchant's active staff in one of the roles (the merchant module's answer). */
  const isStaff = async (userId: string, merchantId: string, roles: readonly StaffRole[]): Promise<boolean> => {
    try {
      await authorizeStaff(db, userId, merchantId, roles);
      return true;
    } catch (err) {
      if (err instanceof AppError) return false;
      throw err;
    }
  };
  // Realtime (docs/realtime.md): its outbox sink stores the messages, its hub serves the sockets.
  const realtime = createRealtime({
    db,
    log: app.log,
    maxConnections: config.realtimeMaxConnections,
    authenticate: async (token) => {
      const payload = verifyToken(config.tokenSecret, token);
      return payload ? ((await sessionAccount(db, payload))?.id ?? null) : null;
    },
    // Beyond their own topic: a merchant's topic for its active staff in the roles that run the
    // workbench, and a live session's board for its merchant's staff in the live roles, answered
    // by the live and merchant modules (realtime knows no module). Both are asked again when a
    // member is removed or changes role (docs/realtime.md, "Access that changes").
    authorizeTopic: async (userId, topic) => {
      if (topic.kind === 'user') return topic.id === userId;
      // A live room is anyone's, guests included (the hub answers it without asking).
      if (topic.kind === 'live') return true;
      if (topic.kind === 'merchant') return isStaff(userId, topic.id, MERCHANT_TOPIC_ROLES);
      if (topic.kind === 'liveboard') {
        const merchantId = await liveSessionMerchant(db, topic.id);
        return merchantId !== null && isStaff(userId, merchantId, LIVE_BOARD_TOPIC_ROLES);
      }
      return false;
    },
  });
  app.decorate('realtime', realtime);
  // Volatile pushes (live sessions' lines, stats, board, "just bought"): every node's subscribers
  // (in process on SQLite, NOTIFY on PostgreSQL; docs/realtime.md).
  const volatile = options.volatile ?? realtime.volatile;

  // The broker sink (NATS JetStream) when NATS_URL is set: every event, for other services.
  const broker = natsOutboxSinks(config.nats, app.log);

  // The payment core: channels, outbox (order consumer, realtime, merchant webhooks, broker), wallet config.
  const core = buildCore({ db, config, log: app.log, channels: options.channels, payouts: options.payouts, sinks: broker.sinks, writers: [realtime.writer], volatile });
  // Live orders meet the session's admission control before any database work (docs/live.md).
  deps.admit = { createOrder: (body) => core.liveAdmission.admitOrder(body) };
  const paymentDeps = core.payments;
  app.decorate('core', core);
  app.decorate('paymentDeps', paymentDeps);
  app.addHook('onClose', async () => {
    await realtime.stop();
    await core.outbox.stop();
    core.stop();
    await broker.stop();
  });
  await realtime.register(app);
  const modules: ServerModule[] = [
    health,
    { handlers: identityHandlers(core.identity) },
    catalog,
    address,
    cart,
    wallet,
    { handlers: orderHandlers(core.orders) },
    paymentModule(paymentDeps),
    merchantModule(core.merchant),
    afterSaleModule(core.afterSales),
    dashboard,
    referralModule(),
    { handlers: referralCommissionHandlers },
    withdrawalModule(core.withdrawals),
    // WeChat's live room goods client comes with the WeChat live integration; until then linking a room answers 503.
    liveModule({ db, volatile, wechat: options.liveWechat !== undefined ? options.liveWechat : core.wechatLiveGoods, log: app.log }),
    shareModule(createAppCodes(config.appCodes, { log: app.log, weappTokens: core.weappTokens ?? undefined })),
  ];

  // Contract routes, from every module.
  const handlers: Record<string, unknown> = {};
  for (const mod of modules) {
    for (const [name, handler] of Object.entries(mod.handlers)) {
      if (name in handlers) throw new Error(`two modules handle route ${name}`);
      handlers[name] = handler;
    }
  }
  registerRoutes(app, handlers as HandlerMap, deps);
  for (const mod of modules) {
    if (mod.registerExtra) await mod.registerExtra(app, deps);
  }

  // With SANDBOX=on, the stand-ins for the services outside the shop (payment channels, login,
  // SMS) in this process, under /sandbox/ (server/standins).
  app.decorate('channelStandIns', config.sandbox ? registerStandIns(app, { config, db, log: app.log }) : null);

  // API documentation.
  const openApi = buildOpenApi();
  const docsHtml = buildDocsHtml(openApi);
  app.get('/openapi.json', async (_req, reply) => reply.header('cache-control', 'no-cache').send(openApi));
  app.get('/docs', async (_req, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(docsHtml));

  // The built H5 app, when present.
  const hasStatic = existsSync(config.staticDir) && statSync(config.staticDir).isDirectory() && existsSync(`${config.staticDir}/index.html`);
  if (hasStatic) {
    await app.register(fastifyStatic, {
      root: config.staticDir,
      prefix: '/',
      wildcard: true,
      index: ['index.html'],
      // The build writes brotli and gzip copies beside each text asset (config/compression.ts):
      // sent as they are, by the request's Accept-Encoding (br first), with the plain file as
      // the fallback.
      preCompressed: true,
      cacheControl: false,
      setHeaders: (res, filePath) => {
        // filePath is the file sent, so it may end in .br or .gz.
        const file = filePath.replace(/\.(br|gz)$/, '');
        res.setHeader('vary', 'Accept-Encoding');
        // Hashed assets (js/, css/, static/: their names carry a content hash) never change;
        // everything else (index.html) must be revalidated.
        if (HASHED_ASSET.test(file)) res.setHeader('cache-control', 'public, max-age=31536000, immutable');
        else res.setHeader('cache-control', 'no-cache');
      },
    });
  } else {
    app.get('/', async (_req, reply) =>
      reply
        .type('text/html; charset=utf-8')
        .send(
          `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>Shop API</title></head><body>` +
            `<h1>Shop API is running</h1><p>The H5 app has not been built yet (no ${config.staticDir}/index.html). ` +
            `Run <code>npm run build:h5</code> and restart, or use <code>npm start</code>.</p>` +
            `<p>API docs: <a href="/docs">/docs</a> · OpenAPI: <a href="/openapi.json">/openapi.json</a> · Health: <a href="/healthz">/healthz</a></p>` +
            `</body></html>`,
        ),
    );
  }

  return app;
}
