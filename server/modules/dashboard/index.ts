/**
 * The dashboard module's public surface: a merchant's figures for today (from the order and
 * payment modules' surfaces), pushed on the merchant's realtime topic when they change.
 */
export { handlers } from './routes';
export { dashboardFigures, dashboardWriter, merchantDay, pushDueDashboards, recordDashboardChange, DASHBOARD_EVENTS, DASHBOARD_JOBS, DEBOUNCE_MS } from './service';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['dashboard_changes'] as const;
