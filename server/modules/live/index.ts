/** The live module's public surface (docs/live.md): live sessions, their lineup and flash stock. */
export type { LiveTables } from './tables';

export const TABLES = ['live_sessions', 'live_lines', 'live_purchases', 'live_order_lines', 'live_events'] as const;
