/** The dashboard module's table (migration 015; `dashboard_marks` of migration 013 before it). */

/**
 * An event that changed a merchant's figures, written in the event's own transaction (an insert
 * of a new key: it never waits for another transaction). The push job takes a merchant's rows
 * once the oldest is DEBOUNCE_MS old and pushes the figures once.
 */
export interface DashboardChangeTable {
  event_id: string;
  merchant_id: string;
  at: number;
  /** order.paid's order (the push sends the new paid orders' rows); null for other changes. */
  order_id: string | null;
}

export interface DashboardTables {
  dashboard_changes: DashboardChangeTable;
}
