/**
 * How a payment's tenders pay its child orders: children are filled in id order, each from the
 * tenders in their order (points, gift cards, balance, channel), like pouring the tenders one
 * after the other into the children. Deterministic, so a replay computes the same rows.
 *
 * Per tender the allocations sum to the tender's amount, per child to the child's amount, and
 * none is negative or zero (zero rows are left out). The two totals must be equal.
 */
export interface AllocationChild {
  orderId: string;
  amount: number;
}

export interface AllocationTender {
  seq: number;
  amount: number;
}

export interface Allocation {
  tenderSeq: number;
  orderId: string;
  amount: number;
}

export function allocateTenders(children: readonly AllocationChild[], tenders: readonly AllocationTender[]): Allocation[] {
  for (const x of [...children, ...tenders]) {
    if (!Number.isSafeInteger(x.amount) || x.amount < 0) throw new RangeError(`allocation amounts must be non-negative integers, got ${x.amount}`);
  }
  const childTotal = children.reduce((s, c) => s + c.amount, 0);
  const tenderTotal = tenders.reduce((s, t) => s + t.amount, 0);
  if (childTotal !== tenderTotal) throw new RangeError(`children sum to ${childTotal} but tenders to ${tenderTotal}`);

  const sortedChildren = [...children].sort((a, b) => (a.orderId < b.orderId ? -1 : a.orderId > b.orderId ? 1 : 0));
  const out: Allocation[] = [];
  let ti = 0;
  let tenderLeft = tenders[0]?.amount ?? 0;
  for (const child of sortedChildren) {
    let need = child.amount;
    while (need > 0) {
      while (tenderLeft === 0) {
        ti += 1;
        tenderLeft = tenders[ti].amount;
      }
      const take = Math.min(need, tenderLeft);
      const last = out[out.length - 1];
      if (last && last.orderId === child.orderId && last.tenderSeq === tenders[ti].seq) last.amount += take;
      else out.push({ tenderSeq: tenders[ti].seq, orderId: child.orderId, amount: take });
      need -= take;
      tenderLeft -= take;
    }
  }
  return out;
}
