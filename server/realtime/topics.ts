/**
 * Realtime topics (docs/realtime.md): `<kind>:<id>`. Only `user` topics exist today; `live`,
 * `table` and `merchant` come with the features that need them, each with its own rule of who
 * may subscribe.
 */
export type TopicKind = 'user';

export interface Topic {
  kind: TopicKind;
  id: string;
}

const TOPIC = /^(user):([A-Za-z0-9_-]{1,64})$/;
export const MAX_TOPIC_LENGTH = 80;

export function parseTopic(topic: string): Topic | null {
  if (topic.length > MAX_TOPIC_LENGTH) return null;
  const m = TOPIC.exec(topic);
  return m ? { kind: m[1] as TopicKind, id: m[2] } : null;
}

export function userTopic(userId: string): string {
  return `user:${userId}`;
}

/** Whether the signed-in user may subscribe to the topic: a user's own topic only. */
export function maySubscribe(userId: string, topic: Topic): boolean {
  return topic.kind === 'user' && topic.id === userId;
}
