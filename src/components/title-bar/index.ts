export { TitleBar } from './title-bar';
export type { TitleBarProps } from './types';
