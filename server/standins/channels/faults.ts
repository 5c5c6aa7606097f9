import type { FastifyInstance } from 'fastify';
import { z } from 'zod';

/**
 * Fault injection for the channel stand-ins: what a real channel does to notifications on a bad
 * day, on demand. A rule affects the next `count` notifications (of one channel, or of any).
 *
 * - drop: never delivered (reconciliation must find the payment by querying the channel)
 * - duplicate: delivered `copies` times (default 5)
 * - delay: first delivery after `delayMs`
 * - reorder: held back and delivered after the next notification of the same channel
 *   (or after `delayMs`, default 200 ms, if none follows)
 * - corrupt_signature: delivered with a broken signature (must be rejected; later retries are genuine)
 * - change_amount: delivered correctly signed but with a different amount (must be rejected)
 *
 * And for transfers to a person (WeChat merchant transfer, Alipay fund transfer), a rule affects
 * the next `count` transfers started (not notifications):
 * - transfer_fail: accepted, then ends failed (WeChat FAIL, Alipay FAIL) with a notification
 * - transfer_refuse: refused at once for good (WeChat 400 INVALID_REQUEST, Alipay 40004 PAYEE_NOT_EXIST)
 * - transfer_outage: answered 500 SYSTEM_ERROR without making the transfer (a retry with the same number works)
 */
export const TRANSFER_FAULT_MODES = ['transfer_fail', 'transfer_refuse', 'transfer_outage'] as const;
export type TransferFaultMode = (typeof TRANSFER_FAULT_MODES)[number];
export const faultMode = z.enum(['drop', 'duplicate', 'delay', 'reorder', 'corrupt_signature', 'change_amount', ...TRANSFER_FAULT_MODES]);
export type FaultMode = z.infer<typeof faultMode>;

export const faultRule = z.strictObject({
  mode: faultMode,
  /** How many notifications it affects; omitted: every one until cleared. */
  count: z.number().int().min(1).max(1_000_000).optional(),
  channel: z.enum(['wechatpay', 'alipay', 'douyin']).optional(),
  delayMs: z.number().int().min(0).max(600_000).optional(),
  copies: z.number().int().min(2).max(20).optional(),
});
export type FaultRule = z.infer<typeof faultRule>;

export interface ActiveFault {
  mode: FaultMode;
  delayMs?: number;
  copies?: number;
}

export class FaultController {
  private rules: { rule: FaultRule; remaining: number }[] = [];

  add(rule: FaultRule): void {
    this.rules.push({ rule: faultRule.parse(rule), remaining: rule.count ?? Number.POSITIVE_INFINITY });
  }

  clear(): void {
    this.rules = [];
  }

  /** Consumes one use of the first rule matching `pred`; answers its mode, or null. */
  takeWhere(pred: (rule: FaultRule) => boolean): FaultMode | null {
    const hit = this.rules.find((r) => r.remaining > 0 && pred(r.rule));
    if (!hit) return null;
    hit.remaining -= 1;
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return hit.rule.mode;
  }

  list(): { rule: FaultRule; remaining: number | null }[] {
    return this.rules.map((r) => ({ rule: r.rule, remaining: Number.isFinite(r.remaining) ? r.remaining : null }));
  }

  /** The faults that apply to the next notification of a channel (consumes one use of each). */
  take(channel: string): ActiveFault[] {
    const active: ActiveFault[] = [];
    for (const r of this.rules) {
      if (r.remaining <= 0 || (r.rule.channel && r.rule.channel !== channel) || isTransferMode(r.rule.mode)) continue;
      r.remaining -= 1;
      active.push({ mode: r.rule.mode, delayMs: r.rule.delayMs, copies: r.rule.copies });
    }
    this.rules = this.rules.filter((r) => r.remaining > 0);
    return active;
  }
}

const isTransferMode = (mode: FaultMode): mode is TransferFaultMode => (TRANSFER_FAULT_MODES as readonly string[]).includes(mode);

/** The transfer fault for the next transfer a channel starts (consumes one use of the first rule that applies), or null. */
export function takeTransferFault(faults: FaultController, channel: string): TransferFaultMode | null {
  return faults.takeWhere((rule) => isTransferMode(rule.mode) && (!rule.channel || rule.channel === channel)) as TransferFaultMode | null;
}

/** POST /sandbox/faults { rules: [...] } adds rules; DELETE clears; GET lists. */
export function registerFaultRoutes(app: FastifyInstance, faults: FaultController): void {
  const body = z.strictObject({ rules: z.array(faultRule).min(1).max(20) });
  app.post('/sandbox/faults', async (req, reply) => {
    const parsed = body.safeParse(req.body);
    if (!parsed.success) {
      return reply.code(400).type('application/problem+json').send({ type: 'about:blank', title: 'Invalid fault rules', status: 400, code: 'VALIDATION_FAILED', detail: parsed.error.message });
    }
    for (const rule of parsed.data.rules) faults.add(rule);
    return { rules: faults.list() };
  });
  app.delete('/sandbox/faults', async () => {
    faults.clear();
    return { rules: [] };
  });
  app.get('/sandbox/faults', async () => ({ rules: faults.list() }));
}
