import fastifyWebsocket from '@fastify/websocket';
import type { FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { dialectOfDb } from '../db';
import type { Database } from '../db/types';
import { AppError } from '../infra/errors';
import { sendProblem } from '../infra/http';
import { inProcessBus, postgresBus, type RealtimeBus } from './bus';
import { createHub, type Hub, type HubLog } from './hub';
import { realtimeWriter } from './writer';
import type { TopicAuthorizer } from './topics';
import type { EventWriter } from '../infra/outbox';

export { pruneMessages } from './store';
export type { Hub } from './hub';
export { liveTopic, merchantTopic, userTopic, type Topic, type TopicAuthorizer } from './topics';

export const REALTIME_PATH = '/api/realtime';

export interface Realtime {
  bus: RealtimeBus;
  /** The outbox writer that stores the messages with the change (give it to the outbox). */
  writer: EventWriter;
  hub: Hub;
  /** Registers the WebSocket endpoint on the app and starts listening on the bus. */
  register(app: FastifyInstance): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The realtime channel of one API node (docs/realtime.md): the bus (in process on SQLite,
 * LISTEN/NOTIFY on PostgreSQL), the outbox writer that stores messages, and the hub that serves
 * the sockets of GET /api/realtime.
 */
export function createRealtime(options: {
  db: Kysely<Database>;
  log: HubLog;
  authenticate(token: string): Promise<string | null>;
  /** Who may subscribe to what beyond their own topic (the app's: merchant topics for the merchant's staff). */
  authorizeTopic?: TopicAuthorizer;
  maxConnections?: number;
}): Realtime {
  const { db, log } = options;
  const bus = dialectOfDb(db) === 'postgres' ? postgresBus(db, log) : inProcessBus();
  const writer = realtimeWriter(bus);
  const hub = createHub({ db, bus, log, authenticate: options.authenticate, authorizeTopic: options.authorizeTopic, maxConnections: options.maxConnections });
  return {
    bus,
    writer,
    hub,
    async register(app) {
      await app.register(fastifyWebsocket, { options: { maxPayload: 64 * 1024 } });
      app.route({
        method: 'GET',
        url: REALTIME_PATH,
        // A plain GET (no Upgrade): 426 with a problem body.
        handler: (req, reply) => sendProblem(reply.header('upgrade', 'websocket'), new AppError('UPGRADE_REQUIRED', 'Connect with a WebSocket (docs/realtime.md)'), req.id),
        wsHandler: (socket) => hub.accept(socket),
      });
      await bus.start();
    },
    async stop() {
      await hub.close();
      await bus.stop();
    },
  };
}
