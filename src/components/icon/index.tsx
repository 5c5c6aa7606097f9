import Taro from '@tarojs/taro';
import { Glyph } from './glyph';
import { iconSrc } from './svg';
import './index.css';

export * as icons from './svg';

export interface IconProps {
  /** An SVG string from `icons` (Lucide). */
  svg: string;
  /** Size in design px (750 wide), converted like every other length. */
  size?: number;
  color?: string;
  strokeWidth?: number;
  className?: string;
}

/** A decorative icon: hidden from screen readers, the text beside it carries the meaning. */
export function Icon({ svg, size = 48, color = '#333333', strokeWidth = 2, className }: IconProps) {
  return (
    <Glyph
      className={`icon${className ? ` ${className}` : ''}`}
      src={iconSrc(svg, color, strokeWidth)}
      style={{ width: Taro.pxTransform(size), height: Taro.pxTransform(size) }}
    />
  );
}
