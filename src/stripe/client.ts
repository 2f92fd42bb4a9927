import type Stripe from 'stripe';
import type { Config } from '../config.js';

/**
 * The Stripe client (the official SDK), or null when STRIPE_SECRET_KEY is unset. STRIPE_API_BASE
 * (`http://127.0.0.1:12111`, a stripe-mock or a test fake) sets the SDK's host, port and protocol.
 * The SDK is loaded only when a key is set.
 */
export async function createStripe(config: Pick<Config, 'stripe'>): Promise<Stripe | null> {
  const { secretKey, apiBase } = config.stripe;
  if (!secretKey) return null;
  const { default: Stripe } = await import('stripe');
  const base = apiBase ? new URL(apiBase) : null;
  return new Stripe(secretKey, {
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(base
      ? { host: base.hostname, port: base.port || (base.protocol === 'http:' ? 80 : 443), protocol: base.protocol.replace(':', '') as 'http' | 'https' }
      : {}),
  });
}

/** "$1,234.50 USD" from an amount in the currency's minor unit (Stripe amounts are integers: cents for USD). */
export function money(amount: number, currency: string): string {
  const zeroDecimal = ['bif', 'clp', 'djf', 'gnf', 'jpy', 'kmf', 'krw', 'mga', 'pyg', 'rwf', 'ugx', 'vnd', 'vuv', 'xaf', 'xof', 'xpf'].includes(currency.toLowerCase());
  const value = zeroDecimal ? amount : amount / 100;
  return `${new Intl.NumberFormat('en-US', { style: 'currency', currency: currency.toUpperCase() }).format(value)} ${currency.toUpperCase()}`;
}
