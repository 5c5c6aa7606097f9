import { encodeFrame, parseServerFrame, userTopic } from './protocol';

describe('realtime frames', () => {
  test('parses every server frame of the protocol', () => {
    expect(parseServerFrame('{"op":"ready","userId":"u_1"}')).toEqual({ op: 'ready', userId: 'u_1' });
    expect(parseServerFrame('{"op":"event","topic":"user:u_1","version":13,"type":"order.paid","data":{"orderId":"o_1"}}')).toEqual({
      op: 'event',
      topic: 'user:u_1',
      version: 13,
      type: 'order.paid',
      data: { orderId: 'o_1' },
    });
    expect(parseServerFrame('{"op":"subscribed","topic":"user:u_1","version":0}')).toEqual({ op: 'subscribed', topic: 'user:u_1', version: 0 });
    expect(parseServerFrame('{"op":"reset","topic":"user:u_1","version":7}')).toEqual({ op: 'reset', topic: 'user:u_1', version: 7 });
    expect(parseServerFrame('{"op":"error","code":"TOPIC_FORBIDDEN","topic":"user:u_2","message":"no"}')).toEqual({
      op: 'error',
      code: 'TOPIC_FORBIDDEN',
      topic: 'user:u_2',
      message: 'no',
    });
    expect(parseServerFrame('{"op":"pong"}')).toEqual({ op: 'pong' });
  });

  test('ignores what is not a frame it can act on (and keeps unknown fields out)', () => {
    for (const text of [
      'not json',
      '[]',
      'null',
      '{"op":"hello"}',
      '{"op":"ready"}',
      '{"op":"event","topic":"user:u_1","version":-1,"type":"order.paid"}',
      '{"op":"event","topic":"user:u_1","version":1.5,"type":"order.paid"}',
      '{"op":"event","topic":"user:u_1","version":"2","type":"order.paid"}',
      '{"op":"subscribed","topic":"user:u_1"}',
    ]) {
      expect(parseServerFrame(text)).toBeNull();
    }
    expect(parseServerFrame('{"op":"event","topic":"t","version":1,"type":"x","data":[1]}')).toMatchObject({ data: {} });
    expect(parseServerFrame('{"op":"error"}')).toEqual({ op: 'error', code: 'UNKNOWN' });
  });

  test('encodes client frames as one JSON object', () => {
    expect(encodeFrame({ op: 'sub', topic: userTopic('u_1'), version: 12 })).toBe('{"op":"sub","topic":"user:u_1","version":12}');
    expect(encodeFrame({ op: 'auth', token: 't' })).toBe('{"op":"auth","token":"t"}');
  });
});
