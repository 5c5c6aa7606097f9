import { order } from '@/services/checkout/test-support';
import { orderAmount } from './amount';

describe('orderAmount', () => {
  it('calls only paid money 实付: a cancelled or closed order never paid shows its 订单金额', () => {
    expect(orderAmount(order({ status: 'pending_payment' }))).toEqual({ kind: 'payable', fen: 10600 });
    expect(orderAmount(order({ status: 'paid', paidAmount: 10600 }))).toEqual({ kind: 'paid', fen: 10600 });
    expect(orderAmount(order({ status: 'completed', paidAmount: 10600 }))).toEqual({ kind: 'paid', fen: 10600 });
    expect(orderAmount(order({ status: 'cancelled', paidAmount: 0 }))).toEqual({ kind: 'total', fen: 10600 });
    expect(orderAmount(order({ status: 'closed', paidAmount: 0 }))).toEqual({ kind: 'total', fen: 10600 });
    // Partly paid, then closed: what was paid (it is refunded).
    expect(orderAmount(order({ status: 'closed', paidAmount: 3000 }))).toEqual({ kind: 'paid', fen: 3000 });
  });
});
