import type { Kysely } from 'kysely';
import type { ReferralEstimate } from '@contract/referral-commission';
import type { Database } from '../../db/types';
import type { ReferralConfig } from '../../infra/config';
import { AppError } from '../../infra/errors';
import { productPrices } from '../catalog';
import { earnedOn } from './amounts';
import { mayPromote } from './promoters';
import { ruleInForce, termsForLines } from './rules';

type Db = Kysely<Database>;

/**
 * A promoter's estimated commission on a product (GET /api/referral/estimate): for each SKU, what
 * level 1 earns on one unit at its price now under the product's merchant's rules in force (the
 * SKU's terms, else the product's, else the merchant's), with the arithmetic of earned
 * commissions (amounts.ts: a rate on the price rounded down; a fixed amount per unit, at most
 * the price). Rules off (or never set): `enabled: false` and no SKUs. Only a shopper who may
 * promote asks (403 NOT_A_PROMOTER otherwise, as for a share link); an unknown product is 404.
 */
export async function estimateFor(db: Db, config: ReferralConfig, userId: string, productId: string, now = Date.now()): Promise<ReferralEstimate> {
  if (!(await mayPromote(db, config, userId))) throw new AppError('NOT_A_PROMOTER', 'This account may not promote (REFERRAL_PROMOTERS)');
  const product = await productPrices(db, productId);
  if (!product) throw new AppError('NOT_FOUND', 'No such product');
  const rule = await ruleInForce(db, product.merchantId, now);
  if (!rule.enabled || rule.levels < 1) return { productId, enabled: false, skus: [] };
  const terms = await termsForLines(db, rule, product.skus.map((s) => ({ skuId: s.skuId, productId })));
  return {
    productId,
    enabled: true,
    skus: product.skus.map((s, i) => ({ skuId: s.skuId, amount: earnedOn({ mode: terms[i].mode, ruleAmount: terms[i].amounts[0] ?? 0, quantity: 1 }, s.price) })),
  };
}
