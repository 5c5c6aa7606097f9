/**
 * The demo shop: deterministic data (a fixed-seed PRNG, fixed timestamps), so every fresh
 * database gets exactly the same shop and tests can rely on it.
 */
export interface SeedMerchant { id: string; name: string; logo: string; createdAt: number }
export interface SeedCategory { id: string; name: string; icon: string; sort: number }
export interface SeedSku { id: string; specValues: string[]; price: number; originalPrice: number | null; stock: number; sales: number }
export interface SeedProduct {
  id: string;
  merchantId: string;
  categoryId: string;
  title: string;
  subtitle: string;
  description: string;
  cover: string;
  images: string[];
  specs: { name: string; values: string[] }[];
  onShelf: boolean;
  position: number;
  priceFrom: number;
  originalPrice: number | null;
  sales: number;
  createdAt: number;
  skus: SeedSku[];
}
export interface SeedBanner { id: string; title: string; image: string; productId: string | null; sort: number }
export interface DemoShop {
  merchants: SeedMerchant[];
  categories: SeedCategory[];
  products: SeedProduct[];
  banners: SeedBanner[];
}

/** mulberry32: a tiny deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const EPOCH = Date.UTC(2025, 0, 1);

interface CategoryPlan {
  name: string;
  merchant: string;
  /** Base price range in yuan. */
  price: [number, number];
  specs: (i: number) => { name: string; values: string[]; delta?: number[] }[];
  items: [string, string][];
  blurb: string;
}

const COLORS = [['黑色', '白色', '卡其色'], ['藏青色', '米白色', '雾霾蓝'], ['红色', '黑色', '燕麦色'], ['灰色', '墨绿色', '杏色']];

const PLANS: CategoryPlan[] = [
  {
    name: '女装', merchant: 'm_01', price: [79, 599],
    specs: (i) => [{ name: '颜色', values: COLORS[i % 4] }, { name: '尺码', values: ['S', 'M', 'L', 'XL'] }],
    items: [
      ['法式碎花连衣裙', '收腰显瘦 温柔法式风'], ['宽松针织开衫', '软糯亲肤 春秋百搭'], ['高腰阔腿牛仔裤', '垂感直筒 遮肉显高'],
      ['纯棉短袖T恤', '新疆长绒棉 不易变形'], ['羊毛双面呢大衣', '双面手工 简约廓形'], ['雪纺衬衫', '通勤百搭 透气不闷'],
      ['百褶半身裙', 'A字版型 行走有风'], ['轻薄羽绒服', '90%白鸭绒 可收纳'],
    ],
    blurb: '精选面料，版型经过多次打样调整，日常通勤与周末出行都合适。',
  },
  {
    name: '男装', merchant: 'm_01', price: [89, 699],
    specs: (i) => [{ name: '颜色', values: COLORS[(i + 1) % 4] }, { name: '尺码', values: ['M', 'L', 'XL', 'XXL'] }],
    items: [
      ['商务休闲衬衫', '免烫抗皱 挺括有型'], ['纯棉圆领卫衣', '重磅毛圈 宽松落肩'], ['修身西装外套', '意式剪裁 轻商务'],
      ['直筒休闲裤', '弹力舒适 久坐不皱'], ['速干运动短裤', '轻薄透气 健身跑步'], ['加绒连帽夹克', '防风保暖 户外通勤'],
      ['亚麻衬衫', '天然亚麻 清爽一夏'], ['针织Polo衫', '冰丝凉感 商务休闲'],
    ],
    blurb: '经典版型，耐穿好打理，细节处做了加固处理。',
  },
  {
    name: '鞋靴', merchant: 'm_01', price: [129, 899],
    specs: (i) => [{ name: '颜色', values: COLORS[(i + 2) % 4].slice(0, 2) }, { name: '尺码', values: ['39', '40', '41', '42', '43'] }],
    items: [
      ['复古跑步鞋', '缓震回弹 复古配色'], ['真皮乐福鞋', '头层牛皮 一脚蹬'], ['帆布板鞋', '经典低帮 百搭耐穿'],
      ['马丁短靴', '英伦风 厚底增高'], ['透气网面运动鞋', '飞织鞋面 轻盈透气'], ['一脚蹬休闲鞋', '懒人必备 柔软舒适'],
      ['雪地靴', '加厚羊毛 防滑大底'], ['户外登山鞋', '防水防滑 专业抓地'],
    ],
    blurb: '鞋底采用耐磨橡胶，鞋垫可拆洗，建议按平时尺码选购。',
  },
  {
    name: '数码', merchant: 'm_02', price: [99, 3999],
    specs: (i) => [
      [{ name: '颜色', values: ['曜石黑', '珍珠白'] }],
      [{ name: '颜色', values: ['深空灰', '银色'] }, { name: '表带', values: ['硅胶', '皮革'], delta: [0, 100] }],
      [{ name: '容量', values: ['10000mAh', '20000mAh'], delta: [0, 60] }],
      [{ name: '轴体', values: ['红轴', '青轴', '茶轴'] }],
      [{ name: '颜色', values: ['黑色', '白色', '粉色'] }],
      [{ name: '颜色', values: ['深空灰', '银色'] }, { name: '存储', values: ['64GB', '128GB', '256GB'], delta: [0, 500, 1200] }],
      [{ name: '型号', values: ['6合1', '8合1'], delta: [0, 80] }],
      [{ name: '颜色', values: ['午夜蓝', '森林绿', '暖阳橙'] }],
    ][i],
    items: [
      ['降噪蓝牙耳机 Pro', '主动降噪 40小时续航'], ['智能手表 S2', '心率血氧 14天长续航'], ['快充充电宝', '22.5W快充 小巧便携'],
      ['机械键盘 K8', '热插拔 RGB背光'], ['静音无线鼠标', '2.4G+蓝牙双模 办公静音'], ['平板电脑 Air', '11英寸 2K全面屏'],
      ['USB-C 扩展坞', 'HDMI 4K输出 一线连接'], ['便携蓝牙音箱', 'IPX7防水 重低音'],
    ],
    blurb: '正品行货，全国联保一年，支持七天无理由退货。',
  },
  {
    name: '家电', merchant: 'm_02', price: [69, 2599],
    specs: (i) => [
      [{ name: '容量', values: ['4L', '6L'], delta: [0, 100] }],
      [{ name: '颜色', values: ['奶白', '浅绿'] }],
      [{ name: '型号', values: ['标准版', '自动集尘版'], delta: [0, 800] }],
      [{ name: '容量', values: ['1.5L', '1.7L'], delta: [0, 20] }],
      [{ name: '颜色', values: ['玫瑰金', '石墨灰'] }],
      [{ name: '容量', values: ['3L', '5L'], delta: [0, 50] }],
      [{ name: '颜色', values: ['白色', '黑色'] }, { name: '套装', values: ['单支装', '双支装'], delta: [0, 150] }],
      [{ name: '颜色', values: ['白色'] }],
    ][i],
    items: [
      ['空气炸锅', '无油低脂 可视窗口'], ['破壁料理机', '静音破壁 一键清洗'], ['扫地机器人', '激光导航 扫拖一体'],
      ['电热水壶', '304不锈钢 自动断电'], ['负离子吹风机', '大风量速干 护发不伤发'], ['静音加湿器', '上加水 智能恒湿'],
      ['声波电动牙刷', '5种模式 60天续航'], ['手持挂烫机', '即热蒸汽 折叠便携'],
    ],
    blurb: '整机保修两年，附赠中文说明书，使用前请阅读安全提示。',
  },
  {
    name: '美妆', merchant: 'm_03', price: [39, 899],
    specs: (i) => [
      [{ name: '容量', values: ['30ml', '50ml', '100ml'], delta: [0, 120, 260] }],
      [{ name: '色号', values: ['#01 正红', '#02 豆沙', '#03 枫叶'] }],
      [{ name: '容量', values: ['100g', '150g'], delta: [0, 20] }],
      [{ name: '容量', values: ['30ml', '60ml'], delta: [0, 70] }],
      [{ name: '规格', values: ['5片装', '10片装'], delta: [0, 60] }],
      [{ name: '容量', values: ['200ml', '400ml'], delta: [0, 40] }],
      [{ name: '容量', values: ['15ml', '30ml'], delta: [0, 150] }],
      [{ name: '容量', values: ['30ml', '50ml', '100ml'], delta: [0, 180, 400] }],
    ][i],
    items: [
      ['保湿精华液', '玻尿酸补水 修护屏障'], ['哑光口红', '丝绒质地 不易掉色'], ['氨基酸洁面乳', '温和清洁 敏感肌可用'],
      ['清爽防晒霜 SPF50', '轻薄不油腻 防水防汗'], ['补水面膜', '密集补水 提亮肤色'], ['温和卸妆水', '一擦即净 无需乳化'],
      ['紧致眼霜', '淡化细纹 滋润不长脂肪粒'], ['淡香水', '木质花香 持久留香'],
    ],
    blurb: '品牌授权正品，开封后请在12个月内使用，过敏肌肤请先做局部测试。',
  },
  {
    name: '食品', merchant: 'm_04', price: [19, 299],
    specs: (i) => [
      [{ name: '规格', values: ['7袋装', '30袋装'], delta: [0, 80] }],
      [{ name: '规格', values: ['250g', '500g'], delta: [0, 40] }],
      [{ name: '规格', values: ['500g', '1kg'], delta: [0, 30] }],
      [{ name: '口味', values: ['原味', '抹茶', '蔓越莓'] }],
      [{ name: '规格', values: ['100g', '250g'], delta: [0, 150] }],
      [{ name: '规格', values: ['5kg', '10kg'], delta: [0, 60] }],
      [{ name: '可可含量', values: ['70%', '85%'] }],
      [{ name: '规格', values: ['1kg'] }],
    ][i],
    items: [
      ['每日坚果', '6种坚果果干 独立小包'], ['云南小粒咖啡豆', '中度烘焙 香醇回甘'], ['新疆若羌红枣', '皮薄肉厚 自然晾晒'],
      ['手工牛轧糖', '真材实料 奶香浓郁'], ['明前西湖龙井', '嫩芽鲜爽 豆香明显'], ['五常稻花香大米', '当季新米 软糯香甜'],
      ['黑巧克力', '醇苦回甘 低糖配方'], ['即食燕麦片', '无添加蔗糖 冲泡即食'],
    ],
    blurb: '产地直发，顺丰冷链或常温快递，收到后请尽快食用或密封保存。',
  },
  {
    name: '家居', merchant: 'm_03', price: [29, 1299],
    specs: (i) => [
      [{ name: '高度', values: ['低枕', '中枕'] }],
      [{ name: '颜色', values: ['浅灰', '雾蓝', '奶咖'] }, { name: '尺寸', values: ['1.5m床', '1.8m床'], delta: [0, 60] }],
      [{ name: '颜色', values: ['原木色', '黑色'] }],
      [{ name: '规格', values: ['小号', '中号', '大号'], delta: [0, 10, 20] }],
      [{ name: '香型', values: ['白茶', '无花果', '雪松'] }],
      [{ name: '套装', values: ['2人食', '4人食'], delta: [0, 90] }],
      [{ name: '颜色', values: ['燕麦', '墨绿', '焦糖'] }],
      [{ name: '尺寸', values: ['120x160cm', '160x230cm'], delta: [0, 200] }],
    ][i],
    items: [
      ['记忆棉枕头', '慢回弹 护颈助眠'], ['纯棉四件套', '60支长绒棉 亲肤透气'], ['北欧落地灯', '三档调光 护眼无频闪'],
      ['可折叠收纳箱', '加厚材质 多层叠放'], ['香薰蜡烛', '大豆蜡 无烟助眠'], ['陶瓷餐具套装', '釉下彩 可进洗碗机'],
      ['棉麻抱枕', '可拆洗 含枕芯'], ['客厅地毯', '短绒易打理 防滑底'],
    ],
    blurb: '居家好物，细节做工经过质检，支持七天无理由退换。',
  },
];

const MERCHANTS: [string, string][] = [
  ['m_01', '潮流服饰旗舰店'],
  ['m_02', '极客数码专营店'],
  ['m_03', '好物生活馆'],
  ['m_04', '鲜味食品店'],
];

/** Products kept off the shelf (visible by id only). */
const OFF_SHELF = new Set(['p_0016', 'p_0045']);
/** Products whose every SKU is sold out. */
const SOLD_OUT = new Set(['p_0030']);

function cartesian(lists: string[][]): string[][] {
  return lists.reduce<string[][]>((acc, list) => acc.flatMap((prefix) => list.map((v) => [...prefix, v])), [[]]);
}

export function buildDemoShop(): DemoShop {
  const rand = prng(20241111);
  const int = (min: number, max: number) => min + Math.floor(rand() * (max - min + 1));

  const merchants = MERCHANTS.map(([id, name], i) => ({ id, name, logo: `/images/${id}.svg`, createdAt: EPOCH + i * 1000 }));
  const categories = PLANS.map((plan, i) => {
    const id = `cat_${String(i + 1).padStart(2, '0')}`;
    return { id, name: plan.name, icon: `/images/${id}.svg`, sort: (i + 1) * 10 };
  });

  const products: SeedProduct[] = [];
  PLANS.forEach((plan, ci) => {
    plan.items.forEach(([title, subtitle], ii) => {
      const n = ci * plan.items.length + ii + 1;
      const id = `p_${String(n).padStart(4, '0')}`;
      const specs = plan.specs(ii);
      // Base price ends in 9 yuan (or .9) like real shops; integer fen throughout.
      const baseYuan = int(plan.price[0], plan.price[1]);
      const base = (Math.floor(baseYuan / 10) * 10 + 9) * 100 + (rand() < 0.3 ? 90 : 0);
      const discounted = rand() < 0.55;
      const combos = cartesian(specs.map((s) => s.values));
      const skus: SeedSku[] = combos.map((values, k) => {
        const delta = values.reduce((sum, v, si) => sum + (specs[si].delta?.[specs[si].values.indexOf(v)] ?? 0), 0);
        const price = base + delta * 100;
        const soldOut = SOLD_OUT.has(id) || (n + k) % 7 === 3;
        return {
          id: `sku_${String(n).padStart(4, '0')}_${String(k + 1).padStart(2, '0')}`,
          specValues: values,
          price,
          originalPrice: discounted ? Math.round((price * 1.3) / 100) * 100 : null,
          stock: soldOut ? 0 : int(5, 300),
          sales: int(0, 400),
        };
      });
      const sales = skus.reduce((s, k) => s + k.sales, 0);
      const images = [1, 2, 3].map((v) => `/images/${id}-${v}.svg`);
      products.push({
        id,
        merchantId: plan.merchant,
        categoryId: categories[ci].id,
        title,
        subtitle,
        description: `${title}：${subtitle}。${plan.blurb}\n规格：${specs.map((s) => `${s.name}（${s.values.join('、')}）`).join('；')}。`,
        cover: images[0],
        images,
        specs: specs.map(({ name, values }) => ({ name, values })),
        onShelf: !OFF_SHELF.has(id),
        // Interleave categories in the default feed so the home page shows variety.
        position: ii * PLANS.length + ci + 1,
        priceFrom: Math.min(...skus.map((s) => s.price)),
        // The cheapest SKU's own original price: the pair a list card shows side by side.
        originalPrice: skus.reduce((best, s) => (s.price < best.price ? s : best)).originalPrice,
        sales,
        createdAt: EPOCH + n * 60_000,
        skus,
      });
    });
  });

  const banners: SeedBanner[] = [
    { id: 'bn_01', title: '新品上市 秋冬焕新', image: '/images/bn_01.svg', productId: 'p_0005', sort: 1 },
    { id: 'bn_02', title: '数码好物 限时直降', image: '/images/bn_02.svg', productId: 'p_0025', sort: 2 },
    { id: 'bn_03', title: '产地直发 鲜味到家', image: '/images/bn_03.svg', productId: 'p_0049', sort: 3 },
    { id: 'bn_04', title: '居家生活节', image: '/images/bn_04.svg', productId: null, sort: 4 },
  ];
  return { merchants, categories, products, banners };
}
