/** The cart module's public surface: the signed-in shopper's server cart. */
export { handlers } from './routes';
export { removeOrderedLines } from './service';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['cart_lines'] as const;
