import nodemailer, { type NodemailerError } from 'nodemailer';
import type { Config } from '../../config.js';
import type { EmailSettings } from '../channels/channel-settings.js';
import { renderEmail } from '../message/render-email.js';
import type { Transport, TransportOutcome } from './transport.js';

export type SmtpConfig = Pick<
  Config,
  'SMTP_HOST' | 'SMTP_PORT' | 'SMTP_TLS' | 'SMTP_USER' | 'SMTP_PASSWORD' | 'SMTP_FROM' | 'ALERT_DELIVERY_TIMEOUT_MS'
>;

/**
 * Failures without an SMTP reply that the same message would meet again: missing credentials, no recipient, a bad
 * message or bad settings. With a reply, its class decides (5xx permanent except 503; 4xx temporary).
 */
const PERMANENT_CODES = new Set(['ENOAUTH', 'EENVELOPE', 'EMESSAGE', 'ECONFIG']);

/**
 * Email over SMTP (nodemailer), one connection per message, with the server, TLS mode and credentials from the
 * configuration (SMTP_*). The credentials never appear in an outcome: errors are reduced to their code and the
 * server's reply.
 */
export function emailTransport(config: SmtpConfig): Transport {
  const timeout = config.ALERT_DELIVERY_TIMEOUT_MS;
  const transporter =
    config.SMTP_HOST === ''
      ? null
      : nodemailer.createTransport({
          host: config.SMTP_HOST,
          port: config.SMTP_PORT,
          secure: config.SMTP_TLS === 'implicit',
          requireTLS: config.SMTP_TLS === 'require-starttls',
          ignoreTLS: config.SMTP_TLS === 'none',
          ...(config.SMTP_USER === '' ? {} : { auth: { user: config.SMTP_USER, pass: config.SMTP_PASSWORD } }),
          connectionTimeout: timeout,
          greetingTimeout: timeout,
          socketTimeout: timeout,
          logger: false,
        });
  return {
    async send(message, channel, ctx): Promise<TransportOutcome> {
      const started = performance.now();
      const latencyMs = () => Math.round(performance.now() - started);
      if (!transporter) {
        const error = 'SMTP_HOST is not configured: email channels cannot send';
        return { ok: false, httpStatus: null, error, responseExcerpt: '', latencyMs: 0, retryable: false };
      }
      const { to } = channel.settings as EmailSettings;
      const content = renderEmail(message);
      try {
        const info = await transporter.sendMail({ from: config.SMTP_FROM, to, ...content, signal: ctx.signal });
        const response = String(info.response ?? '').slice(0, 256);
        return {
          ok: true,
          httpStatus: null,
          error: '',
          responseExcerpt: response,
          latencyMs: latencyMs(),
          retryable: false,
        };
      } catch (err) {
        const e = err as NodemailerError;
        const permanent = e.responseCode !== undefined ? e.permanent === true : PERMANENT_CODES.has(e.code ?? '');
        const error = [e.code, e.originalCode, e.responseCode].filter((x) => x !== undefined).join(' ') || 'SMTP error';
        const responseExcerpt = (e.response ?? '').slice(0, 256);
        return { ok: false, httpStatus: null, error, responseExcerpt, latencyMs: latencyMs(), retryable: !permanent };
      }
    },
  };
}
