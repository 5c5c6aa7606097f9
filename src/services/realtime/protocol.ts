/**
 * The realtime protocol's frames (docs/realtime.md): one JSON object per text frame. Frames from
 * the server are parsed defensively: anything that is not a known frame with the fields its
 * handling needs becomes null and is ignored, so a newer server can add frames and fields.
 */

export type ClientFrame =
  | { op: 'auth'; token: string }
  /** Nobody signed in, a live room open: public topics only (`ready` answers userId null). */
  | { op: 'auth'; guest: true }
  | { op: 'sub'; topic: string; version?: number }
  | { op: 'unsub'; topic: string }
  | { op: 'ping' };

export interface EventFrame {
  op: 'event';
  topic: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
}

/**
 * A volatile event (`{"op":"event",...,"volatile":true}`): no version, not stored, latest wins
 * (a live room's stock left, viewer counts; the merchant's live board). Parsed as its own op.
 */
export interface VolatileFrame {
  op: 'volatile';
  topic: string;
  type: string;
  data: Record<string, unknown>;
}

export type ServerFrame =
  /** userId null: a guest connection. */
  | { op: 'ready'; userId: string | null }
  | EventFrame
  | VolatileFrame
  | { op: 'subscribed'; topic: string; version: number }
  | { op: 'reset'; topic: string; version: number }
  | { op: 'error'; code: string; topic?: string; message?: string }
  | { op: 'pong' };

/** Close codes the client acts on. */
export const CLOSE_UNAUTHORIZED = 4401;
export const CLOSE_AUTH_TIMEOUT = 4408;
/** The client's own normal close (pause, logout). */
export const CLOSE_NORMAL = 1000;
/** The connection died without a close frame (network loss, refused connection). */
export const CLOSE_ABNORMAL = 1006;

/** A live session's room: anyone may follow it, guests included. */
export function liveTopic(sessionId: string): string {
  return `live:${sessionId}`;
}

/** Topics a guest connection may follow. */
export function isPublicTopic(topic: string): boolean {
  return topic.startsWith('live:') && topic.length > 'live:'.length;
}

/** The topic of a user's own order, payment and refund events. */
export function userTopic(userId: string): string {
  return `user:${userId}`;
}

const isVersion = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isText = (v: unknown): v is string => typeof v === 'string' && v.length > 0;

export function parseServerFrame(text: string): ServerFrame | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) return null;
  const f = value as Record<string, unknown>;
  switch (f.op) {
    case 'ready':
      if (f.userId === null) return { op: 'ready', userId: null };
      return isText(f.userId) ? { op: 'ready', userId: f.userId } : null;
    case 'event':
      if (f.volatile === true) {
        if (!isText(f.topic) || !isText(f.type)) return null;
        return { op: 'volatile', topic: f.topic, type: f.type, data: f.data && typeof f.data === 'object' && !Array.isArray(f.data) ? (f.data as Record<string, unknown>) : {} };
      }
      if (!isText(f.topic) || !isVersion(f.version) || !isText(f.type)) return null;
      return {
        op: 'event',
        topic: f.topic,
        version: f.version,
        type: f.type,
        data: f.data && typeof f.data === 'object' && !Array.isArray(f.data) ? (f.data as Record<string, unknown>) : {},
      };
    case 'subscribed':
    case 'reset':
      return isText(f.topic) && isVersion(f.version) ? { op: f.op, topic: f.topic, version: f.version } : null;
    case 'error':
      return {
        op: 'error',
        code: isText(f.code) ? f.code : 'UNKNOWN',
        ...(isText(f.topic) ? { topic: f.topic } : {}),
        ...(typeof f.message === 'string' ? { message: f.message } : {}),
      };
    case 'pong':
      return { op: 'pong' };
    default:
      return null;
  }
}

export function encodeFrame(frame: ClientFrame): string {
  return JSON.stringify(frame);
}
