import { onlineManager } from '@tanstack/react-query';
import { cleanup, configure } from '@testing-library/react';
import { taroMock } from './taro-mock';

// The API base is same-origin in tests, as on a production H5 build.
process.env.TARO_APP_API_BASE = '';
process.env.TARO_ENV = 'h5';

// findBy*/waitFor wait up to 5 s: a loaded CI machine can take longer than the 1 s default
// between a tap, the mocked request, the refetch and the re-render.
configure({ asyncUtilTimeout: 5000 });

beforeEach(() => {
  taroMock.reset();
  onlineManager.setOnline(true);
});

afterEach(() => {
  cleanup();
  jest.clearAllMocks();
});
