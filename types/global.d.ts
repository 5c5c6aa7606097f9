/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.svg';
declare module '*.css';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'swan' | 'alipay' | 'h5' | 'rn' | 'tt' | 'quickapp' | 'qq' | 'jd';
    /** Base URL of the commerce API, injected at build time (see config/index.ts). */
    TARO_APP_API_BASE: string;
    /** '1' when the build logs in through the server's sandbox (see src/services/platform/sandbox-login.ts). */
    TARO_APP_SANDBOX: '0' | '1';
  }
}
