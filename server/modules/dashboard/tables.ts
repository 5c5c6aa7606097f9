/** The dashboard module's table (migration 013). */

/** A merchant whose figures changed and are due to be pushed at `due_at` (one row per merchant: the push is debounced). */
export interface DashboardMarkTable {
  merchant_id: string;
  due_at: number;
}

export interface DashboardTables {
  dashboard_marks: DashboardMarkTable;
}
