import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/http';

/**
 * Transitional: the local payment channel's provider (its cashier and API) and the merchant
 * console moved to server/standins and are registered by registerStandIns
 * (server/standins/index.ts). The payment module still calls this; it does nothing. Delete this
 * file once server/modules/payment no longer imports it (see docs/decisions/0020-stand-ins.md).
 */
export function registerSandboxPay(_app: FastifyInstance, _deps: AppDeps, _options: { key: string }): void {}
