import type { FastifyBaseLogger } from 'fastify';

/**
 * Text messages to shoppers' phones (the one-time login codes). No SMS provider is wired yet:
 * with SANDBOX=on the app connects the SMS gateway stand-in here (server/standins, through
 * registerStandIns); with nothing connected, sending is refused and the caller answers
 * SERVICE_UNAVAILABLE. A real provider would be connected the same way, from the app.
 */
export interface SmsGateway {
  /** Sends a one-time login code to a mainland mobile number. */
  sendCode(phone: string, code: string, log: Pick<FastifyBaseLogger, 'info'>): void;
}

let connected: SmsGateway | null = null;

/** Connects the gateway every message of this process goes through. */
export function connectSmsGateway(gateway: SmsGateway): void {
  connected = gateway;
}

/** The connected gateway, or null when this process has none. */
export function smsGateway(): SmsGateway | null {
  return connected;
}
