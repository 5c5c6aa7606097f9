import Fastify from 'fastify';
import { routes } from '../../contract/routes';
import { testConfig } from '../test/app';
import { createDb } from '../db';
import { registerRoutes, type HandlerMap } from './http';

describe('registerRoutes', () => {
  const refused = async (): Promise<never> => {
    throw new Error('not reached');
  };
  const deps = { config: testConfig(), db: createDb({ dialect: 'sqlite', databaseUrl: null, sqlitePath: ':memory:' }), access: { session: refused, staff: refused } };
  afterAll(async () => {
    await deps.db.destroy();
  });

  it('refuses to start when a contract route has no handler', () => {
    const app = Fastify();
    expect(() => registerRoutes(app, {}, deps)).toThrow(/no handler for route\(s\): health, getHome/);
  });

  it('refuses handlers for routes the contract does not have', () => {
    const app = Fastify();
    const all: Record<string, unknown> = {};
    for (const name of Object.keys(routes)) all[name] = async () => ({});
    all.notInContract = async () => ({});
    expect(() => registerRoutes(app, all as HandlerMap, deps)).toThrow(/not in the contract: notInContract/);
  });
});
