/**
 * The merchant module's public surface: staff and their roles, the authorisation of every
 * merchant route, and the audit log other modules record their merchant actions into. It
 * imports only identity (accounts) and is given the catalog's merchant look-up, so every
 * module may record into its audit log without a cycle.
 */
export { merchantModule } from './routes';
export { assignFirstOwner, authorizeStaff, bindStaffInvites, type MerchantDeps, type StaffAccess } from './staff';
export { recordAudit, type AuditRecord } from './audit';
export { inviteCodeKey } from './invite-code';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['merchant_staff', 'audit_log', 'staff_invite_attempts'] as const;
