/** The address module's public surface: the shopper's address book. */
export { handlers } from './routes';
export { getAddressForUser, getDefaultAddress, listAddresses } from './service';

export type * from './tables';

/** The tables this module owns: no other module's SQL names them. */
export const TABLES = ['addresses'] as const;
