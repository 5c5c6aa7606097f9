import type { FastifyInstance } from 'fastify';
import { registerAlipayStandIn } from './alipay';
import type { StandInContext } from './context';
import { registerDouyinStandIn } from './douyin';
import { registerFaultRoutes } from './faults';
import { registerWechatpayStandIn } from './wechatpay';

/**
 * The payment channels' stand-ins: WeChat Pay v3, Alipay and Douyin gateways speaking their real
 * wire formats under /sandbox/<channel>/, plus the fault controls at /sandbox/faults. Mounted in
 * the API process by registerStandIns (SANDBOX=on), or run on their own (`npm run
 * standins:channels`) so that they outlive an API process that is killed and restarted.
 */
export function registerChannelStandIns(app: FastifyInstance, ctx: StandInContext): void {
  registerFaultRoutes(app, ctx.faults);
  registerWechatpayStandIn(app, ctx);
  registerAlipayStandIn(app, ctx);
  registerDouyinStandIn(app, ctx);
}

/** SANDBOX_TIME_SCALE: how much the channels' retry schedules are compressed (0.01: 15 s -> 150 ms). */
export function standInsTimeScale(env: Record<string, string | undefined> = process.env): number {
  const raw = env.SANDBOX_TIME_SCALE?.trim();
  if (!raw) return 0.01;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0 || n > 1) throw new Error(`SANDBOX_TIME_SCALE must be a number in (0, 1], got "${raw}"`);
  return n;
}
