import type { Kysely } from 'kysely';
import { pgConnectionOf } from '../db';
import type { Database } from '../db/types';
import { pgListener } from './listen';

type Db = Kysely<Database>;

/** A new message on a topic, as the bus carries it: ids only, the message itself stays in the database. */
export interface Notice {
  topic: string;
  version: number;
}

/**
 * What a user notice asks of every node's hub: `recheck` the user's subscriptions to topics that
 * are not their own (a staff member removed, or given a role without the workbench);
 * `disconnect` the user's sockets (the account disabled, its sessions revoked).
 */
export type UserAction = 'recheck' | 'disconnect';

/** A change to what a user may receive, as the bus carries it: the user's id and the action. */
export interface UserNotice {
  userId: string;
  action: UserAction;
}

export interface BusLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

/**
 * Tells every API node that a topic has new messages (docs/realtime.md, decision 0019). On
 * SQLite there is one process and the bus is in process; on PostgreSQL the writing transaction
 * runs pg_notify, which PostgreSQL delivers at commit (and never on rollback) to every node
 * listening on the channel.
 */
export interface RealtimeBus {
  readonly kind: 'in-process' | 'postgres';
  /** PostgreSQL: the notification channel (the writer notifies in the statement that stores a message). */
  readonly channel: string | null;
  /** In process: after the transaction that stored the messages (or changed the users' access) has committed (PostgreSQL: the writer's statements notify). */
  committed(notices: readonly Notice[], users?: readonly UserNotice[]): void;
  /**
   * Notices from any node; `resync` after the bus lost notices (a reconnect): re-read every
   * topic and check every subscription again.
   */
  listen(listener: BusListener): () => void;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface BusListener {
  notice(n: Notice): void;
  user(n: UserNotice): void;
  resync(): void;
}

function listeners() {
  const set = new Set<BusListener>();
  return {
    add(l: BusListener) {
      set.add(l);
      return () => void set.delete(l);
    },
    notice(n: Notice) {
      for (const l of set) l.notice(n);
    },
    user(n: UserNotice) {
      for (const l of set) l.user(n);
    },
    resync() {
      for (const l of set) l.resync();
    },
  };
}

export function inProcessBus(): RealtimeBus {
  const ls = listeners();
  return {
    kind: 'in-process',
    channel: null,
    committed(notices, users = []) {
      for (const n of notices) ls.notice(n);
      for (const u of users) ls.user(u);
    },
    listen: (l) => ls.add(l),
    start: async () => undefined,
    stop: async () => undefined,
  };
}

/** The notification channel of a database: one per schema, so databases sharing a server do not hear each other. */
export function channelName(schema: string | null): string {
  return schema ? `realtime_${schema}`.slice(0, 63) : 'realtime';
}

const NOTICE = /^(\S+) (\d+)$/;
/** A user notice's payload: `!<action> <userId>` (a topic never starts with `!`). */
const USER_NOTICE = /^!(recheck|disconnect) (\S+)$/;

/** The payload of a user notice on the PostgreSQL channel. */
export function userNoticePayload(n: UserNotice): string {
  return `!${n.action} ${n.userId}`;
}

/**
 * LISTEN/NOTIFY on PostgreSQL: one connection of its own per node, reconnected with backoff; the
 * payload is `<topic> <version>`, or `!<action> <userId>` for a user notice (far below NOTIFY's
 * 8000-byte limit). After a reconnect the hub re-reads its topics and checks its subscriptions
 * again, since notices sent while the connection was down are gone.
 */
export function postgresBus(db: Db, log: BusLog, options: { reconnectMs?: number } = {}): RealtimeBus {
  const conn = pgConnectionOf(db);
  if (!conn) throw new Error('postgresBus needs a PostgreSQL database made by createDb');
  const channel = channelName(conn.schema);
  const ls = listeners();
  const listener = pgListener({
    connectionString: conn.connectionString,
    channel,
    name: 'realtime bus',
    log,
    reconnectMs: options.reconnectMs,
    onPayload(payload) {
      const m = NOTICE.exec(payload);
      if (m) return ls.notice({ topic: m[1], version: Number(m[2]) });
      const u = USER_NOTICE.exec(payload);
      if (u) ls.user({ action: u[1] as UserAction, userId: u[2] });
    },
    onResync: () => ls.resync(),
  });

  return {
    kind: 'postgres',
    channel,
    committed: () => undefined,
    listen: (l) => ls.add(l),
    start: () => listener.start(),
    stop: () => listener.stop(),
  };
}
