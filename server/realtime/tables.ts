/** The realtime channel's tables (migration 008; docs/realtime.md). */
export interface RealtimeTopicTable {
  /** e.g. user:u_1 */
  topic: string;
  /** The version of the topic's latest message (0 before the first). */
  version: number;
  updated_at: number;
}

export interface RealtimeMessageTable {
  topic: string;
  version: number;
  /** The outbox event the message came from. */
  event_id: string;
  type: string;
  /** JSON text. */
  data: string;
  created_at: number;
}

export interface RealtimeTables {
  realtime_topics: RealtimeTopicTable;
  realtime_messages: RealtimeMessageTable;
}
