import type { Kysely } from 'kysely';
import type { Database } from '../../db/types';
import type { VolatileChannel } from '../../realtime/volatile';
import { accountNames, maskNickname } from '../identity';
import { ON_AIR } from './machine';
import { boardOf, lineUpdates, linesOf, liveBoardTopicOf, liveTopicOf, orderCounts, viewersOf } from './reads';

type Db = Kysely<Database>;

/** At most one `live.lines` (and `live.board`) push per session in this window. */
export const LINES_PUSH_MS = 250;
/** `live.stats` (viewers, likes) of every session on air with subscribers, this often. */
export const STATS_PUSH_MS = 2_000;

export interface LivePushLog {
  error(obj: object, msg: string): void;
}

export interface BoughtNotice {
  /** The buyer's account: viewers see its masked nickname (read at push time, off the order's transaction). */
  buyerId: string;
  title: string;
  quantity: number;
}

/**
 * The live module's volatile pushes on this node (docs/live.md, "Pushes"): nothing of them is
 * stored; a client that missed one refetches the session.
 *
 * - `live.lines` on `live:{id}` and `live.board` on `liveboard:{id}` (the host's), after a line's
 *   price, quota or sold changed: coalesced, at most one per session per LINES_PUSH_MS, the lines
 *   read once per push (however many changes it covers).
 * - `live.stats` on `live:{id}` and on `liveboard:{id}` (the host's board: viewers and likes
 *   between the boards) every STATS_PUSH_MS, from each node to its own subscribers of the
 *   sessions on air (the viewer count is every node's), and once more when the last viewer left;
 *   one read of their likes per tick, none when nobody watches here.
 * - `live.bought` at once.
 * Timers are unref'd and stop with stop() (the app's close).
 */
export interface LivePushes {
  linesChanged(sessionId: string): void;
  bought(sessionId: string, notice: BoughtNotice): void;
  /** The session left the air (ended, cancelled): its coalescing window is forgotten. */
  offAir(sessionId: string): void;
  /** Runs the pending lines pushes now (tests, shutdown) and waits for them. */
  flush(): Promise<void>;
  /** One stats tick now (tests). */
  tickStats(): Promise<void>;
  stop(): void;
}

/** Every node's pushes in this process: what the order path's liveLinesChanged / liveBought reach. */
const instances = new Set<LivePushes>();

export function createLivePushes(db: Db, volatile: VolatileChannel, log: LivePushLog, options: { linesMs?: number; statsMs?: number } = {}): LivePushes {
  const linesMs = options.linesMs ?? LINES_PUSH_MS;
  const statsMs = options.statsMs ?? STATS_PUSH_MS;
  const pending = new Map<string, NodeJS.Timeout>();
  const lastPush = new Map<string, number>();
  const running = new Set<Promise<void>>();
  /** The viewers last pushed per session on air, while above 0. */
  const lastViewers = new Map<string, number>();
  let stopped = false;

  async function pushLines(sessionId: string): Promise<void> {
    pending.delete(sessionId);
    lastPush.set(sessionId, Date.now());
    const session = await db.selectFrom('live_sessions').select(['id', 'status', 'likes']).where('id', '=', sessionId).executeTakeFirst();
    if (!session) return;
    const lines = (await linesOf(db, [sessionId])).get(sessionId) ?? [];
    const counts = await orderCounts(db, [sessionId]);
    const at = Date.now();
    volatile.publish(liveTopicOf(sessionId), 'live.lines', { sessionId, lines: lineUpdates(lines), at });
    const board = boardOf(lines, counts.get(sessionId), viewersOf(volatile, session), Number(session.likes));
    volatile.publish(liveBoardTopicOf(sessionId), 'live.board', { sessionId, board, at });
  }

  /** Keeps a push in flight until it settles (flush waits for it); its failure is logged. */
  function keep(work: Promise<void>, sessionId: string, what: string): void {
    const p = work.catch((err: unknown) => log.error({ err, sessionId }, `live ${what} push failed`));
    running.add(p);
    void p.finally(() => running.delete(p));
  }

  function run(sessionId: string): void {
    keep(pushLines(sessionId), sessionId, 'lines');
  }

  let ticking = false;
  /**
   * The stats of every session with viewers on this node, to those viewers only: each node
   * speaks to its own sockets (the count is every node's), so a viewer gets one a tick however
   * many nodes there are. One read of the watched sessions' status and likes; none when nobody
   * watches here.
   */
  async function tickStats(): Promise<void> {
    if (ticking) return;
    // Watched here (a room or its board), or watched at the last tick (the board hears that the last viewer left).
    const ids = (prefix: string) => volatile.localTopics(prefix).map((topic) => topic.slice(prefix.length));
    const watched = [...new Set([...ids('live:'), ...ids('liveboard:'), ...lastViewers.keys()])];
    if (watched.length === 0) return;
    ticking = true;
    try {
      const rows = await db.selectFrom('live_sessions').select(['id', 'status', 'likes']).where('id', 'in', watched).execute();
      const at = Date.now();
      for (const r of rows) {
        if (!ON_AIR.includes(r.status as never)) {
          lastViewers.delete(r.id);
          continue;
        }
        const viewers = volatile.subscribers(liveTopicOf(r.id));
        const stats = { sessionId: r.id, viewers, likes: Number(r.likes), at };
        volatile.publishLocal(liveTopicOf(r.id), 'live.stats', stats);
        volatile.publishLocal(liveBoardTopicOf(r.id), 'live.stats', stats);
        if (viewers > 0) lastViewers.set(r.id, viewers);
        else lastViewers.delete(r.id);
      }
    } catch (err) {
      log.error({ err }, 'live stats push failed');
    } finally {
      ticking = false;
    }
  }

  const statsTimer = setInterval(() => void tickStats(), statsMs);
  statsTimer.unref();

  const pushes: LivePushes = {
    linesChanged(sessionId) {
      if (stopped || pending.has(sessionId)) return;
      const wait = Math.max(0, (lastPush.get(sessionId) ?? 0) + linesMs - Date.now());
      const timer = setTimeout(() => run(sessionId), wait);
      timer.unref();
      pending.set(sessionId, timer);
    },
    bought(sessionId, notice) {
      if (stopped) return;
      keep(
        accountNames(db, [notice.buyerId]).then((names) => {
          const buyer = maskNickname(names.get(notice.buyerId)?.nickname ?? '');
          volatile.publish(liveTopicOf(sessionId), 'live.bought', { sessionId, buyer, title: notice.title, quantity: notice.quantity, at: Date.now() });
        }),
        sessionId,
        'bought',
      );
    },
    offAir(sessionId) {
      lastViewers.delete(sessionId);
      lastPush.delete(sessionId);
    },
    async flush() {
      for (const [sessionId, timer] of [...pending]) {
        clearTimeout(timer);
        run(sessionId);
      }
      await Promise.all([...running]);
    },
    tickStats,
    stop() {
      stopped = true;
      clearInterval(statsTimer);
      for (const timer of pending.values()) clearTimeout(timer);
      pending.clear();
      lastViewers.clear();
      instances.delete(pushes);
    },
  };
  instances.add(pushes);
  return pushes;
}

/**
 * For the order path, after the commit that changed a session's lines (a sale, a closure giving
 * units back, a late payment): schedules the coalesced `live.lines` and `live.board` pushes.
 * Never throws; does nothing before the live module is mounted.
 */
export function liveLinesChanged(sessionId: string): void {
  for (const p of instances) p.linesChanged(sessionId);
}

/** For the order path, after an order of the session committed: the "just bought" notice (`live.bought`). */
export function liveBought(sessionId: string, notice: BoughtNotice): void {
  for (const p of instances) p.bought(sessionId, notice);
}
