import type { FastifyInstance } from 'fastify';
import type { AppDeps } from '../platform/http';

/**
 * Transitional: the login stand-ins moved to server/standins/login.ts and are registered by
 * registerStandIns (server/standins/index.ts). The identity module still calls this; it does
 * nothing. Delete this file once server/modules/identity no longer imports it (see
 * docs/decisions/0020-stand-ins.md).
 */
export function registerSandboxLogin(_app: FastifyInstance, _deps: AppDeps): void {}
