import type { FastifyInstance, FastifyReply } from 'fastify';
import { NotificationRejected, notifyAnswer, type ChannelAdapter, type NotifyAnswer } from '../../channels/types';
import { AppError } from '../../infra/errors';
import { refundDepsOf, type PaymentDeps } from './deps';
import { applyRefundNotification } from './refunds';
import { applyPaymentNotification } from './service';

/**
 * POST /notify/<channel> for every configured channel: the channel's server-to-server
 * notifications of payments and refunds. The signature covers the exact body text, so these
 * routes keep the raw body (JSON, or form-encoded for Alipay). Each notification is verified,
 * compared with our record and applied synchronously (one short transaction), then answered
 * in the channel's own format; nothing waits on the outbox relay.
 */
export function notifyPath(channel: string): string {
  return `/notify/${channel}`;
}

function send(reply: FastifyReply, answer: NotifyAnswer): FastifyReply {
  return reply.code(answer.status).header('content-type', answer.contentType).header('cache-control', 'no-store').send(answer.body);
}

export async function registerNotifyRoutes(app: FastifyInstance, deps: PaymentDeps): Promise<void> {
  const adapters: ChannelAdapter[] = deps.channels.list();
  if (adapters.length === 0) return;
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => {
      done(null, typeof body === 'string' ? body : body.toString('utf8'));
    });
    for (const adapter of adapters) {
      scope.post(notifyPath(adapter.channel), async (req, reply) => {
        const rawBody = typeof req.body === 'string' ? req.body : '';
        const now = Date.now();
        let verified;
        try {
          verified = adapter.verifyNotification({ headers: req.headers, rawBody }, now);
        } catch (err) {
          if (!(err instanceof NotificationRejected)) {
            // Verification is pure (no I/O): anything it throws is a body it cannot read.
            req.log.warn({ err, channel: adapter.channel }, 'notification rejected: unreadable');
            return send(reply, notifyAnswer(adapter.notifyFormat, 'refused', 'not a notification'));
          }
          req.log.warn({ channel: adapter.channel, reason: err.reason }, 'notification rejected');
          return send(reply, notifyAnswer(adapter.notifyFormat, 'refused', err.reason));
        }
        try {
          if (verified.kind === 'payment') {
            const outcome = await applyPaymentNotification(deps, adapter, verified, rawBody, req.log, now);
            req.log.info({ channel: adapter.channel, paymentNo: verified.paymentNo, status: verified.status, outcome }, 'payment notification handled');
          } else {
            const outcome = await applyRefundNotification(refundDepsOf({ ...deps, log: req.log }), verified, now, { channel: adapter.channel, rawBody });
            req.log.info({ channel: adapter.channel, refundNo: verified.refundNo, status: verified.status, outcome }, 'refund notification handled');
          }
          return send(reply, notifyAnswer(adapter.notifyFormat, 'handled'));
        } catch (err) {
          if (err instanceof AppError && err.code === 'NOTIFY_REJECTED') {
            req.log.error({ channel: adapter.channel, reason: err.detail }, 'notification does not match our record');
            return send(reply, notifyAnswer(adapter.notifyFormat, 'refused', err.detail ?? 'rejected'));
          }
          // Our fault: the channel retries on its schedule.
          req.log.error({ err, channel: adapter.channel }, 'notification could not be applied');
          return send(reply, notifyAnswer(adapter.notifyFormat, 'unavailable', 'temporarily unavailable'));
        }
      });
    }
  });
}
