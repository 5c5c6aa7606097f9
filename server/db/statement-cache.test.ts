import SQLite from 'better-sqlite3';
import { withStatementCache } from './index';

describe('withStatementCache', () => {
  it('reuses a prepared statement for the same SQL and evicts the least recently used', () => {
    const raw = new SQLite(':memory:');
    const prepare = jest.spyOn(raw, 'prepare');
    const db = withStatementCache(raw, 2);
    const a = db.prepare('select 1 as one');
    expect(db.prepare('select 1 as one')).toBe(a);
    db.prepare('select 2 as two');
    db.prepare('select 1 as one'); // a is now the most recently used
    db.prepare('select 3 as three'); // evicts "select 2"
    expect(db.prepare('select 1 as one')).toBe(a);
    db.prepare('select 2 as two');
    expect(prepare.mock.calls.map(([text]) => text)).toEqual(['select 1 as one', 'select 2 as two', 'select 3 as three', 'select 2 as two']);
    expect(a.all([])).toEqual([{ one: 1 }]);
    db.close();
  });
});
