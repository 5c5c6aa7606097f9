/** Mirrors contract/identity.ts (phone, 6-digit code) without pulling zod into the client. */
export const isMainlandMobile = (phone: string): boolean => /^1[3-9]\d{9}$/.test(phone.trim());
export const isOtpCode = (code: string): boolean => /^\d{6}$/.test(code.trim());
