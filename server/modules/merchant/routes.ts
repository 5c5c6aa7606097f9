import { defineHandlers } from '../../infra/http';
import { listAudit } from './audit';
import { acceptInvite, previewInvite } from './invites';
import { changeStaffRole, getWorkplace, inviteStaff, listStaff, listWorkplaces, removeStaff, type MerchantDeps } from './staff';

/**
 * The merchant routes. On the staff routes the HTTP layer has already resolved the caller's
 * membership of the merchant the path names, with a role the route allows (`staff`, see
 * authorizeStaff); the handlers act on that merchant only. Taking an invite by its code
 * (`/api/staff-invites/:code`) is for any signed-in account.
 */
export const merchantHandlers = (deps: MerchantDeps) =>
  defineHandlers({
    listWorkplaces: async ({ db, user }) => ({ items: await listWorkplaces(db, deps, user.id) }),
    getWorkplace: async ({ db, staff }) => getWorkplace(db, deps, staff),
    listStaff: async ({ db, staff }) => ({ items: await listStaff(db, staff.merchantId) }),
    inviteStaff: async ({ db, staff, body }) => inviteStaff(db, deps, staff, body),
    updateStaff: async ({ db, staff, params, body }) => changeStaffRole(db, staff, params.staffId, body.role),
    removeStaff: async ({ db, staff, params }) => {
      await removeStaff(db, staff, params.staffId);
      return { ok: true as const };
    },
    listAudit: async ({ db, staff, query }) => listAudit(db, staff.merchantId, query),
    getStaffInvite: async ({ db, user, params }) => previewInvite(db, deps, user.id, params.code),
    acceptStaffInvite: async ({ db, user, params }) => acceptInvite(db, deps, user.id, params.code),
  });

/** The module as the app mounts it. */
export const merchantModule = (deps: MerchantDeps) => ({ handlers: merchantHandlers(deps) });
