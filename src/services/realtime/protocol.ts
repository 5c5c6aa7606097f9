/**
 * The realtime protocol's frames (docs/realtime.md): one JSON object per text frame. Frames from
 * the server are parsed defensively: anything that is not a known frame with the fields its
 * handling needs becomes null and is ignored, so a newer server can add frames and fields.
 */

export type ClientFrame =
  | { op: 'auth'; token: string }
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

export type ServerFrame =
  | { op: 'ready'; userId: string }
  | EventFrame
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
      return isText(f.userId) ? { op: 'ready', userId: f.userId } : null;
    case 'event':
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
