import { defineHandlers } from '../../infra/http';
import { dashboardFigures } from './service';

/** The dashboard route: `staff` is the caller's membership of the path's merchant. */
export const handlers = defineHandlers({
  getDashboard: async ({ db, staff }) => dashboardFigures(db, staff.merchantId),
});
