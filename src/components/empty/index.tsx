import { Button, Text, View } from '@tarojs/components';
import { Icon, icons } from '../icon';
import './index.css';

export interface EmptyProps {
  text: string;
  /** An SVG string from `icons` for what is empty (an open box unless given). */
  icon?: string;
  actionText?: string;
  onAction?: () => void;
}

export function Empty({ text, icon = icons.PackageOpen, actionText, onAction }: EmptyProps) {
  return (
    <View className="empty">
      <View className="empty__icon">
        <Icon svg={icon} size={88} color="#b3b3b3" strokeWidth={1.5} />
      </View>
      <Text className="empty__text">{text}</Text>
      {actionText && onAction && (
        <Button className="empty__action" size="mini" onClick={onAction}>
          {actionText}
        </Button>
      )}
    </View>
  );
}
