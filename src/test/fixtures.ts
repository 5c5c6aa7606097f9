import type { CartLine, CartView, ProductDetail, ProductSummary, Session } from '@contract';

export const summary = (n: number, over: Partial<ProductSummary> = {}): ProductSummary => ({
  id: `p_${n}`,
  merchantId: 'm_1',
  merchantName: '一号小铺',
  categoryId: 'c_1',
  title: `商品${n}`,
  subtitle: '',
  cover: `/images/p_${n}.svg`,
  priceFrom: 1000 + n,
  originalPrice: null,
  sales: n,
  stock: 10,
  ...over,
});

export const detail = (over: Partial<ProductDetail> = {}): ProductDetail => ({
  ...summary(1),
  title: '纯棉T恤',
  images: ['/images/p_1-1.svg', '/images/p_1-2.svg'],
  description: '舒适透气',
  onShelf: true,
  specs: [
    { name: '颜色', values: ['红', '蓝'] },
    { name: '尺码', values: ['M', 'L'] },
  ],
  skus: [
    { id: 'sku_rm', specValues: ['红', 'M'], price: 5900, originalPrice: 7900, stock: 3 },
    { id: 'sku_rl', specValues: ['红', 'L'], price: 6900, originalPrice: null, stock: 0 },
    { id: 'sku_bm', specValues: ['蓝', 'M'], price: 5900, originalPrice: null, stock: 0 },
    { id: 'sku_bl', specValues: ['蓝', 'L'], price: 6900, originalPrice: null, stock: 8 },
  ],
  ...over,
});

export const cartLine = (skuId: string, over: Partial<CartLine> = {}): CartLine => ({
  skuId,
  productId: `p_${skuId}`,
  merchantId: 'm_1',
  merchantName: '一号小铺',
  title: `商品 ${skuId}`,
  specText: '红 / M',
  image: `/images/${skuId}.svg`,
  unitPrice: 1000,
  addedPrice: 1000,
  quantity: 1,
  stock: 10,
  selected: true,
  valid: true,
  issue: null,
  lineAmount: 1000,
  addedAt: 1,
  ...over,
});

export const cartView = (lines: CartLine[]): CartView => {
  const counted = lines.filter((l) => l.valid && l.selected);
  return {
    lines,
    totals: {
      selectedQuantity: counted.reduce((n, l) => n + l.quantity, 0),
      selectedLines: counted.length,
      itemsAmount: counted.reduce((n, l) => n + l.unitPrice * l.quantity, 0),
      totalLines: lines.length,
    },
  };
};

export const session = (over: Partial<Session> = {}): Session => ({
  token: 'tok',
  expiresAt: Date.now() + 3_600_000,
  user: { id: 'u_1', nickname: '小明', avatar: null, phone: '13800138000', platform: 'h5' },
  ...over,
});
