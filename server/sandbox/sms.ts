import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { smsGateway } from '../platform/sms';

/**
 * Transitional: the SMS gateway stand-in moved to server/standins/sms.ts; registerStandIns
 * (server/standins/index.ts) serves it and connects it as the process's SMS gateway
 * (server/platform/sms.ts). The identity module still calls these; delete this file once it
 * sends through smsGateway() itself (see docs/decisions/0020-stand-ins.md).
 */
export function registerSandboxSms(_app: FastifyInstance): void {}

/** Sends the code through the connected SMS gateway (the stand-in with SANDBOX=on). */
export function sandboxSendSms(log: Pick<FastifyBaseLogger, 'info'>, phone: string, code: string): void {
  const gateway = smsGateway();
  if (!gateway) throw new Error('no SMS gateway is connected');
  gateway.sendCode(phone, code, log);
}
