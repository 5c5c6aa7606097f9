import type { Address, AddressInput } from '@contract';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import Taro from '@tarojs/taro';
import { SELECT_ADDRESS_EVENT } from '@/services/address/select';
import { address, installTaroExtras } from '@/services/checkout/test-support';
import { mockApi, ok, problem, renderWithClient } from '@/test/render';
import { taroMock } from '@/test/taro-mock';
import AddressEditPage from './address-edit';
import AddressListPage from './address-list';

jest.mock('@tarojs/components', () => ({
  ...jest.requireActual('@tarojs/components'),
  ...jest.requireActual('@/services/checkout/test-support').formComponents(),
}));

const second: Address = { ...address, id: 'adr_2', name: '王五', phone: '13900139000', detail: '中山路 1 号', isDefault: false };

describe('address list', () => {
  it('in select mode hands the tapped address to the opener through its event channel', async () => {
    const opener = { emit: jest.fn() };
    const { eventCenter } = installTaroExtras(opener);
    taroMock.setRouterParams({ select: '1', selected: 'adr_1' });
    mockApi({ 'GET /api/addresses': () => ok({ items: [address, second] }) });
    renderWithClient(<AddressListPage />);

    await screen.findByText('王五');
    expect(screen.getAllByTestId('address-card').map((c) => c.getAttribute('aria-selected'))).toEqual(['true', 'false']);
    fireEvent.click(screen.getByText('王五'));
    expect(opener.emit).toHaveBeenCalledWith(SELECT_ADDRESS_EVENT, second);
    expect(eventCenter.trigger).not.toHaveBeenCalled();
    expect(Taro.navigateBack).toHaveBeenCalled();
  });

  it('falls back to the event center on hosts without an event channel', async () => {
    const { eventCenter } = installTaroExtras();
    taroMock.setRouterParams({ select: '1' });
    mockApi({ 'GET /api/addresses': () => ok({ items: [address] }) });
    renderWithClient(<AddressListPage />);
    fireEvent.click(await screen.findByText('张三'));
    expect(eventCenter.trigger).toHaveBeenCalledWith(SELECT_ADDRESS_EVENT, address);
  });

  it('outside select mode a tap selects nothing; delete asks first; set default patches', async () => {
    installTaroExtras({ emit: jest.fn() });
    let items = [address, second];
    const calls = mockApi({
      'GET /api/addresses': () => ok({ items }),
      'DELETE /api/addresses/adr_2': () => {
        items = [address];
        return ok({ ok: true });
      },
      'PATCH /api/addresses/adr_2': () => {
        items = [{ ...address, isDefault: false }, { ...second, isDefault: true }];
        return ok(items[1]);
      },
    });
    renderWithClient(<AddressListPage />);
    fireEvent.click(await screen.findByText('王五'));
    expect(Taro.navigateBack).not.toHaveBeenCalled();

    // Only the non-default address offers 设为默认.
    const card = screen.getAllByTestId('address-card')[1];
    expect(within(screen.getAllByTestId('address-card')[0]).queryByText('设为默认')).toBeNull();
    fireEvent.click(within(card).getByText('设为默认'));
    await waitFor(() => expect(calls.find((c) => c.method === 'PATCH')?.body).toEqual({ isDefault: true }));

    taroMock.setModalResult(false);
    fireEvent.click(within(screen.getAllByTestId('address-card')[1]).getByText('删除'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledTimes(1));
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);

    taroMock.setModalResult(true);
    fireEvent.click(within(screen.getAllByTestId('address-card')[1]).getByText('删除'));
    await waitFor(() => expect(screen.getAllByTestId('address-card')).toHaveLength(1));
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(1);
  });

  it('shows the empty state and opens the editor', async () => {
    installTaroExtras();
    mockApi({ 'GET /api/addresses': () => ok({ items: [] }) });
    renderWithClient(<AddressListPage />);
    await screen.findByText('还没有收货地址');
    fireEvent.click(screen.getByText('新增收货地址'));
    expect(Taro.navigateTo).toHaveBeenCalledWith(expect.objectContaining({ url: '/pages/checkout/address-edit' }));
  });
});

describe('address editor: region picker, paste, and a new address chosen at checkout', () => {
  const fill = (placeholder: string, value: string) => fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } });

  it('a municipality goes straight to its districts; the tabs go back a level', () => {
    installTaroExtras();
    mockApi({ 'GET /api/addresses': () => ok({ items: [] }) });
    renderWithClient(<AddressEditPage />);
    fireEvent.click(screen.getByTestId('address-region'));
    const picker = screen.getByTestId('region-picker');
    fireEvent.click(within(picker).getByText('北京市'));
    expect(within(picker).getByText('朝阳区')).toBeTruthy();
    fireEvent.click(within(picker).getAllByText('北京市')[0]);
    expect(within(picker).getByText('浙江省')).toBeTruthy();
    fireEvent.click(within(picker).getByText('上海市'));
    fireEvent.click(within(picker).getByText('浦东新区'));
    expect(screen.getByTestId('address-region').textContent).toContain('上海市 上海市 浦东新区');
  });

  it('reads name, phone and address from the clipboard into the form', async () => {
    installTaroExtras();
    taroMock.setClipboard('收货人：李四\n手机号码：139 0013 9000\n所在地区：广东省 深圳市 南山区\n详细地址：深南大道10000号');
    const calls = mockApi({
      'GET /api/addresses': () => ok({ items: [] }),
      'POST /api/addresses': (req) => ok({ ...(req.body as AddressInput), id: 'adr_8', isDefault: false }, 201),
    });
    renderWithClient(<AddressEditPage />);
    fireEvent.click(screen.getByText('粘贴并识别'));
    await waitFor(() => expect((screen.getByPlaceholderText('请输入收货人姓名') as HTMLInputElement).value).toBe('李四'));
    expect((screen.getByPlaceholderText('请输入手机号') as HTMLInputElement).value).toBe('13900139000');
    expect(screen.getByTestId('address-region').textContent).toContain('广东省 深圳市 南山区');
    expect((screen.getByPlaceholderText('街道、楼牌号等') as HTMLInputElement).value).toBe('深南大道10000号');
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '已识别并填入，请核对' }));
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(calls.some((c) => c.method === 'POST')).toBe(true));
    expect(calls.find((c) => c.method === 'POST')?.body).toMatchObject({ name: '李四', province: '广东省', city: '深圳市', district: '南山区' });
  });

  it('text typed into 智能填写 is recognized; text without an address says so', () => {
    installTaroExtras();
    mockApi({ 'GET /api/addresses': () => ok({ items: [] }) });
    renderWithClient(<AddressEditPage />);
    const box = screen.getByPlaceholderText(/粘贴或输入整段地址/);
    fireEvent.change(box, { target: { value: '!!!' } });
    fireEvent.click(screen.getByText('识别'));
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '未能识别出地址信息，请手动填写' }));
    fireEvent.change(box, { target: { value: '王小明 186-1234-5678 北京市朝阳区建国路88号' } });
    fireEvent.click(screen.getByText('识别'));
    expect((screen.getByPlaceholderText('请输入收货人姓名') as HTMLInputElement).value).toBe('王小明');
    expect(screen.getByTestId('address-region').textContent).toContain('北京市 北京市 朝阳区');
    fill('请输入手机号', '18612345678');
  });

  it('an empty clipboard says so', async () => {
    installTaroExtras();
    mockApi({ 'GET /api/addresses': () => ok({ items: [] }) });
    renderWithClient(<AddressEditPage />);
    fireEvent.click(screen.getByText('粘贴并识别'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '剪贴板中没有文字' })));
  });

  it('a new address added from the list while checking out is handed to checkout as chosen', async () => {
    // The list (select mode) opens the editor; the editor emits the saved address to the list,
    // the list hands it to its own opener (checkout), and the editor goes back two pages.
    const checkout = { emit: jest.fn() };
    installTaroExtras(checkout);
    taroMock.setRouterParams({ select: '1' });
    mockApi({ 'GET /api/addresses': () => ok({ items: [] }) });
    const list = renderWithClient(<AddressListPage />);
    await screen.findByText('新增收货地址');
    fireEvent.click(screen.getByText('新增收货地址'));
    const open = (Taro.navigateTo as jest.Mock).mock.calls.at(-1)?.[0] as { url: string; events: Record<string, (a: Address) => void> };
    expect(open.url).toBe('/pages/checkout/address-edit?select=1');
    list.unmount();

    // The editor is now the current page; its opener is the list.
    const listChannel = { emit: jest.fn((event: string, a: Address) => open.events[event](a)) };
    installTaroExtras(listChannel);
    taroMock.setRouterParams({ select: '1' });
    mockApi({
      'GET /api/addresses': () => ok({ items: [] }),
      'POST /api/addresses': (req) => ok({ ...(req.body as AddressInput), id: 'adr_new', isDefault: false }, 201),
    });
    renderWithClient(<AddressEditPage />);
    fireEvent.change(screen.getByPlaceholderText(/粘贴或输入整段地址/), { target: { value: '张三 13800138000 浙江省杭州市西湖区文三路90号' } });
    fireEvent.click(screen.getByText('识别'));
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalledWith({ delta: 2 }));
    expect(checkout.emit).toHaveBeenCalledWith(SELECT_ADDRESS_EVENT, expect.objectContaining({ id: 'adr_new', name: '张三', district: '西湖区' }));
  });
});

describe('address editor', () => {
  // Opened from the address list: there is a page to go back to.
  beforeEach(() => (Taro.getCurrentPages as jest.Mock).mockReturnValue([{}, {}]));
  afterEach(() => (Taro.getCurrentPages as jest.Mock).mockReturnValue([]));
  const fill = (placeholder: string, value: string) => fireEvent.change(screen.getByPlaceholderText(placeholder), { target: { value } });

  it('shows field messages in Chinese before sending anything', async () => {
    installTaroExtras();
    const calls = mockApi({ 'GET /api/addresses': () => ok({ items: [] }) });
    renderWithClient(<AddressEditPage />);
    fill('请输入手机号', '12345');
    fireEvent.click(screen.getByText('保存'));
    expect(await screen.findByText('请填写收货人')).toBeTruthy();
    expect(screen.getByText('请填写正确的手机号')).toBeTruthy();
    // One row (所在地区) for the three levels, with the first missing one's message.
    expect(screen.getByText('请填写省份')).toBeTruthy();
    expect(screen.getByText('请填写详细地址')).toBeTruthy();
    expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '请填写收货人' }));
    // A new address needs nothing from the server before saving.
    expect(calls).toHaveLength(0);

    // Fixing a field clears its message.
    fill('请输入收货人姓名', '张三');
    expect(screen.queryByText('请填写收货人')).toBeNull();
  });

  it('creates an address and goes back', async () => {
    installTaroExtras();
    const calls = mockApi({
      'GET /api/addresses': () => ok({ items: [] }),
      'POST /api/addresses': (req) => ok({ ...(req.body as AddressInput), id: 'adr_9', isDefault: true }, 201),
    });
    renderWithClient(<AddressEditPage />);
    fill('请输入收货人姓名', ' 张三 ');
    fill('请输入手机号', '13800138000');
    // 所在地区: province -> city -> district in the picker.
    fireEvent.click(screen.getByTestId('address-region'));
    const picker = screen.getByTestId('region-picker');
    fireEvent.click(within(picker).getByText('浙江省'));
    fireEvent.click(within(picker).getByText('杭州市'));
    fireEvent.click(within(picker).getByText('西湖区'));
    expect(screen.queryByTestId('region-picker')).toBeNull();
    expect(screen.getByTestId('address-region').textContent).toContain('浙江省 杭州市 西湖区');
    fill('街道、楼牌号等', '文三路 90 号');
    fireEvent.click(screen.getByRole('switch'));
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled());
    const post = calls.find((c) => c.method === 'POST');
    expect(post?.body).toEqual({
      name: '张三',
      phone: '13800138000',
      province: '浙江省',
      city: '杭州市',
      district: '西湖区',
      detail: '文三路 90 号',
      isDefault: true,
    });
  });

  it('edits an existing address; a server rejection keeps the form and says why', async () => {
    installTaroExtras();
    taroMock.setRouterParams({ id: 'adr_2' });
    let reject = true;
    const calls = mockApi({
      'GET /api/addresses': () => ok({ items: [address, second] }),
      'PATCH /api/addresses/adr_2': (req) => (reject ? problem(400, 'VALIDATION_FAILED') : ok({ ...second, ...(req.body as object) })),
    });
    renderWithClient(<AddressEditPage />);
    await waitFor(() => expect((screen.getByPlaceholderText('请输入收货人姓名') as HTMLInputElement).value).toBe('王五'));
    fill('街道、楼牌号等', '中山路 2 号');
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(Taro.showToast).toHaveBeenCalledWith(expect.objectContaining({ title: '提交的信息有误，请检查后重试' })));
    expect(Taro.navigateBack).not.toHaveBeenCalled();
    expect((screen.getByPlaceholderText('街道、楼牌号等') as HTMLInputElement).value).toBe('中山路 2 号');

    reject = false;
    fireEvent.click(screen.getByText('保存'));
    await waitFor(() => expect(Taro.navigateBack).toHaveBeenCalled());
    const patches = calls.filter((c) => c.method === 'PATCH');
    expect(patches).toHaveLength(2);
    expect(patches[1].body).toEqual(expect.objectContaining({ detail: '中山路 2 号', name: '王五' }));
  });

  it('an id that is not in the address book says so', async () => {
    installTaroExtras();
    taroMock.setRouterParams({ id: 'adr_404' });
    mockApi({ 'GET /api/addresses': () => ok({ items: [address] }) });
    renderWithClient(<AddressEditPage />);
    await screen.findByText('地址不存在或已删除');
  });
});
