import type { Carrier, ShipOrderBody } from '@contract';
import { t } from '@/i18n/workbench';

export const CARRIERS: readonly Carrier[] = ['sf', 'zto', 'yto', 'yunda', 'sto', 'ems', 'jd', 'jt', 'other'];
export const MAX_PARCELS = 10;
const TRACKING = /^[A-Za-z0-9-]{4,40}$/;

export interface ParcelDraft {
  carrier: Carrier | null;
  trackingNo: string;
  /** The order's lines in this parcel (used when the order is split by lines). */
  lineNos: number[];
}

export const emptyParcel = (): ParcelDraft => ({ carrier: null, trackingNo: '', lineNos: [] });

/**
 * Checks the ship form as the server would (contract/workbench.ts) and says what to fix, in
 * Chinese; null when it can be sent. `split`: each parcel names its lines, and together they
 * cover every line of the order.
 */
export function shipFormProblem(parcels: readonly ParcelDraft[], split: boolean, lineCount: number): string | null {
  for (const [i, p] of parcels.entries()) {
    const n = i + 1;
    if (!p.carrier) return t('wb.ship.needCarrier', { n });
    if (!TRACKING.test(p.trackingNo.trim())) return t('wb.ship.badTracking', { n });
    if (split && p.lineNos.length === 0) return t('wb.ship.needLines', { n });
  }
  if (split) {
    const covered = new Set(parcels.flatMap((p) => p.lineNos));
    for (let line = 0; line < lineCount; line++) if (!covered.has(line)) return t('wb.ship.uncovered');
  }
  return null;
}

export function shipBody(parcels: readonly ParcelDraft[], split: boolean): ShipOrderBody {
  return {
    parcels: parcels.map((p) => ({
      carrier: p.carrier as Carrier,
      trackingNo: p.trackingNo.trim(),
      ...(split ? { lineNos: [...p.lineNos].sort((a, b) => a - b) } : {}),
    })),
  };
}
