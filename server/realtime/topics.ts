/**
 * Realtime topics (docs/realtime.md): `<kind>:<id>`. `user:{id}` (the user's own orders and
 * payments), `merchant:{id}` (the merchant's workbench: new paid orders, order transitions,
 * sold-out SKUs, the dashboard's figures), `live:{sessionId}` (a live session's room: public,
 * guests included) and `liveboard:{sessionId}` (the host's sales board of one session: the
 * session's merchant's staff in the live roles); `table` comes with the feature that needs it.
 */
export type TopicKind = 'user' | 'merchant' | 'live' | 'liveboard';

export interface Topic {
  kind: TopicKind;
  id: string;
}

const TOPIC = /^(user|merchant|live|liveboard):([A-Za-z0-9_-]{1,64})$/;
export const MAX_TOPIC_LENGTH = 80;

export function parseTopic(topic: string): Topic | null {
  if (topic.length > MAX_TOPIC_LENGTH) return null;
  const m = TOPIC.exec(topic);
  return m ? { kind: m[1] as TopicKind, id: m[2] } : null;
}

export function userTopic(userId: string): string {
  return `user:${userId}`;
}

export function merchantTopic(merchantId: string): string {
  return `merchant:${merchantId}`;
}

/** A live session's room (docs/live.md, "Pushes, not polls"): anyone may follow it, signed in or not. */
export function liveTopic(sessionId: string): string {
  return `live:${sessionId}`;
}

/**
 * The host's sales board of a live session (docs/live.md): `live.board`, for the session's
 * merchant's owners, operators and live hosts (asked of the app, like a merchant's topic).
 */
export function liveBoardTopic(sessionId: string): string {
  return `liveboard:${sessionId}`;
}

/** Topics anyone may subscribe to, guests included, without asking the app. */
export function isPublicTopic(topic: Topic): boolean {
  return topic.kind === 'live';
}

/**
 * Whether the signed-in user may subscribe to a topic, given by the app: realtime knows no
 * module, so who is staff of a merchant is the merchant module's answer (server/app.ts), the
 * way the HTTP layer is given `AppDeps.access`.
 */
export type TopicAuthorizer = (userId: string, topic: Topic) => Promise<boolean>;

/** The rule realtime knows by itself: a user's own topic and the public ones (live rooms), nothing else. */
export function maySubscribe(userId: string, topic: Topic): boolean {
  return isPublicTopic(topic) || (topic.kind === 'user' && topic.id === userId);
}

/** Without an authorizer: only the user's own topic. */
export const ownTopicOnly: TopicAuthorizer = async (userId, topic) => maySubscribe(userId, topic);
