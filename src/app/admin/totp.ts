/**
 * The TOTP second factor (RFC 6238: SHA-1, 30-second steps, 6 digits) through otplib. The enrolment's
 * QR code is rendered here (an SVG from the qrcode package), so the secret never leaves for a third
 * party's image service.
 */
import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

export const TOTP_ISSUER = 'Casino Aggregator';
export const TOTP_PERIOD_S = 30;
/** One step either side of ours: phones whose clock is a little off still work. */
const TOLERANCE_S = TOTP_PERIOD_S;

export interface TotpEnrolment {
  /** Base32, for typing into an authenticator app. */
  secret: string;
  otpauthUrl: string;
  /** The otpauth URL as an SVG QR code (markup the back office shows as an image). */
  qrSvg: string;
}

export async function newTotpEnrolment(username: string): Promise<TotpEnrolment> {
  const secret = generateSecret();
  const otpauthUrl = generateURI({ issuer: TOTP_ISSUER, label: username, secret });
  const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
  return { secret, otpauthUrl, qrSvg };
}

/**
 * The time step `code` belongs to when it is valid now and later than `afterStep` (the last one
 * accepted, so no code works twice), else null.
 */
export async function verifyTotp(
  secret: string,
  code: string,
  afterStep: bigint | null,
  nowMs: number,
): Promise<number | null> {
  if (!/^\d{6}$/.test(code)) return null;
  const result = await verify({
    secret,
    token: code,
    epoch: Math.floor(nowMs / 1000),
    epochTolerance: TOLERANCE_S,
    ...(afterStep === null ? {} : { afterTimeStep: Number(afterStep) }),
  });
  return result.valid && 'timeStep' in result ? result.timeStep : null;
}
