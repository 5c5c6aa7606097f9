import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { phone as phoneSchema } from '../../contract/identity';
import { AppError } from '../infra/errors';
import { sendProblem } from '../infra/http';
import type { SmsGateway } from '../infra/sms';

/**
 * The SMS gateway's stand-in: instead of texting, it writes the code to the server log and keeps
 * the latest message per phone so browser tests can read it at GET /sandbox/sms/latest?phone=.
 * Sandbox mode only.
 */
export interface SmsMessage {
  phone: string;
  code: string;
  text: string;
  sentAt: number;
}

const MAX_KEPT = 5000;
const latest = new Map<string, SmsMessage>();

export function deliverSms(log: Pick<FastifyBaseLogger, 'info'>, phone: string, code: string): SmsMessage {
  const message: SmsMessage = { phone, code, text: `【小店】您的登录验证码是 ${code}，5分钟内有效，请勿泄露给他人。`, sentAt: Date.now() };
  latest.delete(phone);
  latest.set(phone, message);
  if (latest.size > MAX_KEPT) {
    const oldest = latest.keys().next().value;
    if (oldest !== undefined) latest.delete(oldest);
  }
  log.info({ sandboxSms: { phone, code } }, `[sandbox sms] to ${phone}: code ${code}`);
  return message;
}

/** The stand-in as the process's SMS gateway (connected by registerStandIns). */
export const smsStandIn: SmsGateway = {
  sendCode(phone, code, log) {
    deliverSms(log, phone, code);
  },
};

export function latestSms(phone: string): SmsMessage | null {
  return latest.get(phone) ?? null;
}

export function registerSmsStandIn(app: FastifyInstance): void {
  app.get<{ Querystring: { phone?: string } }>('/sandbox/sms/latest', async (req, reply) => {
    const phone = req.query.phone;
    if (typeof phone !== 'string' || !phoneSchema.safeParse(phone).success) {
      return sendProblem(reply, new AppError('VALIDATION_FAILED', 'Give ?phone= a mainland mobile number', {
        errors: [{ path: 'query.phone', message: 'invalid mainland mobile number' }],
      }), req.id);
    }
    const message = latestSms(phone);
    if (!message) return sendProblem(reply, new AppError('NOT_FOUND', `no message sent to ${phone}`), req.id);
    return reply.header('cache-control', 'no-store').send(message);
  });
}
