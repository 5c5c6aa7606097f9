/**
 * Type tests for the request client, checked by `tsc` (npm run typecheck), never executed:
 * a route's input and output types come from the contract, so a wrong call does not compile.
 */
import type { CartView, ProductDetail, ProductPage } from '@contract';
import { request } from './http';

export function typeTests() {
  const detail: Promise<ProductDetail> = request('getProduct', { params: { id: 'p_1' } });
  const page: Promise<ProductPage> = request('listProducts', { query: { sort: 'price_asc', limit: 10 } });
  const cart: Promise<CartView> = request('addCartItem', { body: { skuId: 'sku_1', quantity: 1 } }, { idempotencyKey: 'k' });

  // @ts-expect-error an unknown route name
  request('getProducts');
  // @ts-expect-error a path parameter of the wrong type
  request('getProduct', { params: { id: 1 } });
  // @ts-expect-error a sort the contract does not know
  request('listProducts', { query: { sort: 'newest' } });
  // @ts-expect-error a body field the route does not take
  request('addCartItem', { body: { skuId: 'sku_1', quantity: 1, price: 100 } });
  // @ts-expect-error the response is not what the route answers
  const wrong: Promise<ProductDetail> = request('getCart');

  return [detail, page, cart, wrong];
}
