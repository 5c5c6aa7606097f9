import { parseAddress } from './parse';
import { chinaRegions, normalizeRegions } from './regions';

const regions = chinaRegions();

describe('the region data', () => {
  it('has every province-level division with three levels', () => {
    expect(regions.map((p) => p.name)).toEqual(expect.arrayContaining(['北京市', '浙江省', '广东省', '新疆维吾尔自治区', '香港特别行政区']));
    expect(regions.length).toBeGreaterThanOrEqual(33);
    const beijing = regions.find((p) => p.name === '北京市');
    expect(beijing?.cities.map((c) => c.name)).toEqual(['北京市']);
    expect(beijing?.cities[0].districts).toContain('朝阳区');
    const zhejiang = regions.find((p) => p.name === '浙江省');
    expect(zhejiang?.cities.find((c) => c.name === '杭州市')?.districts).toContain('西湖区');
    // A city without districts is its own district; county-level groups lose their prefix.
    const guangdong = regions.find((p) => p.name === '广东省');
    expect(guangdong?.cities.find((c) => c.name === '东莞市')?.districts).toEqual(['东莞市']);
    const henan = regions.find((p) => p.name === '河南省');
    expect(henan?.cities.map((c) => c.name)).toContain('省直辖县级行政区划');
    regions.forEach((p) => p.cities.forEach((c) => expect(c.districts.length).toBeGreaterThan(0)));
    // The code table's "市辖区" placeholder is no place to deliver to.
    expect(regions.flatMap((p) => p.cities.flatMap((c) => c.districts))).not.toContain('市辖区');
    expect(guangdong?.cities.find((c) => c.name === '深圳市')?.districts).toContain('南山区');
  });

  it('skips a division with nothing under it', () => {
    expect(normalizeRegions([{ n: '台湾省', d: [] }, { n: '甲省', d: [{ n: '乙市', d: [{ n: '丙区' }] }] }])).toEqual([
      { name: '甲省', cities: [{ name: '乙市', districts: ['丙区'] }] },
    ]);
  });
});

describe('parsing a pasted address', () => {
  it.each([
    [
      '张三 13800138000 浙江省杭州市西湖区文三路90号1幢101室',
      { name: '张三', phone: '13800138000', province: '浙江省', city: '杭州市', district: '西湖区', detail: '文三路90号1幢101室' },
    ],
    [
      // A Taobao / WeChat address card.
      '收货人：李四\n手机号码：139 0013 9000\n所在地区：广东省 深圳市 南山区\n详细地址：科技园南区深南大道10000号腾讯大厦',
      { name: '李四', phone: '13900139000', province: '广东省', city: '深圳市', district: '南山区', detail: '科技园南区深南大道10000号腾讯大厦' },
    ],
    [
      // Copied from an order: region with spaces, postcode, name last.
      '北京市 北京市 朝阳区 建国路88号SOHO现代城5号楼1203，100022，王小明，+86 186-1234-5678',
      { name: '王小明', phone: '18612345678', province: '北京市', city: '北京市', district: '朝阳区', detail: '建国路88号SOHO现代城5号楼1203' },
    ],
    [
      // Short names and no province.
      '赵六，15012345678，杭州余杭区五常街道文一西路969号',
      { name: '赵六', phone: '15012345678', province: '浙江省', city: '杭州市', district: '余杭区', detail: '五常街道文一西路969号' },
    ],
    [
      '上海浦东新区世纪大道100号上海环球金融中心 欧阳娜娜 17712345678',
      { name: '欧阳娜娜', phone: '17712345678', province: '上海市', city: '上海市', district: '浦东新区', detail: '世纪大道100号上海环球金融中心' },
    ],
    [
      '广东省东莞市松山湖高新区工业北路1号 陈七 13700001111',
      { name: '陈七', phone: '13700001111', province: '广东省', city: '东莞市', district: '东莞市', detail: '松山湖高新区工业北路1号' },
    ],
    [
      '新疆乌鲁木齐市天山区解放北路 马八 13899990000',
      { name: '马八', phone: '13899990000', province: '新疆维吾尔自治区', city: '乌鲁木齐市', district: '天山区', detail: '解放北路' },
    ],
  ])('%s', (text, expected) => {
    expect(parseAddress(text, regions)).toEqual(expected);
  });

  it('leaves out what it cannot tell', () => {
    expect(parseAddress('文三路90号', regions)).toEqual({ detail: '文三路90号' });
    expect(parseAddress('13800138000 文三路90号', regions)).toEqual({ phone: '13800138000', detail: '文三路90号' });
    expect(parseAddress('12345', regions)).toEqual({ detail: '12345' });
    expect(parseAddress('   ', regions)).toEqual({});
  });
});
