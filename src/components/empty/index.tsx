import { Button, Text, View } from '@tarojs/components';
import './index.css';

export interface EmptyProps {
  text: string;
  actionText?: string;
  onAction?: () => void;
}

export function Empty({ text, actionText, onAction }: EmptyProps) {
  return (
    <View className="empty">
      <View className="empty__icon" />
      <Text className="empty__text">{text}</Text>
      {actionText && onAction && (
        <Button className="empty__action" size="mini" onClick={onAction}>
          {actionText}
        </Button>
      )}
    </View>
  );
}
