import { createHmac } from 'node:crypto';
import { newWebhookSecret, signWebhook, verifyWebhookSignature, webhookHeaders } from './signature';

const secret = 'whsec_test-secret';
const body = '{"id":"wh.s.a","type":"alert.created"}';

describe('webhook signatures', () => {
  it('is HMAC-SHA256 over "<t>.<raw body>" with the secret string as key, as documented', () => {
    const t = 1_790_000_000;
    const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
    expect(signWebhook(secret, body, t)).toBe(`t=${t},v1=${expected}`);
    expect(signWebhook(secret, body, t + 0.9)).toBe(`t=${t},v1=${expected}`);
  });

  it('verifies its own signature, within the tolerance only', () => {
    const t = 1_790_000_000;
    const header = signWebhook(secret, body, t);
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: t + 10 })).toEqual({ ok: true, timestamp: t });
    expect(verifyWebhookSignature(secret, Buffer.from(body), header, { nowSeconds: t })).toMatchObject({ ok: true });
    expect(verifyWebhookSignature(secret, body, header, { nowSeconds: t + 301 })).toEqual({
      ok: false,
      reason: 'expired',
    });
  });

  it('refuses another body, another secret, a moved timestamp and garbage', () => {
    const t = 1_790_000_000;
    const header = signWebhook(secret, body, t);
    const now = { nowSeconds: t };
    expect(verifyWebhookSignature(secret, `${body} `, header, now)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhookSignature('whsec_other', body, header, now)).toEqual({ ok: false, reason: 'mismatch' });
    const moved = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyWebhookSignature(secret, body, moved, { nowSeconds: t + 1 })).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    for (const bad of [undefined, '', 'garbage', `t=${t}`, 'v1=abc', `t=x,v1=${'0'.repeat(64)}`]) {
      expect(verifyWebhookSignature(secret, body, bad, now)).toEqual({ ok: false, reason: 'malformed' });
    }
  });

  it('accepts any of several v1 entries (secret rotation)', () => {
    const t = 1_790_000_000;
    const good = signWebhook(secret, body, t).split(',')[1];
    expect(
      verifyWebhookSignature(secret, body, `t=${t},v1=${'a'.repeat(64)},${good}`, { nowSeconds: t }),
    ).toMatchObject({
      ok: true,
    });
  });

  it('headers carry the signature, the delivery id and the event', () => {
    const headers = webhookHeaders(secret, 'wh.s.a', 'alert.created', body, 1_790_000_000);
    expect(headers).toEqual({
      'x-radar-signature': signWebhook(secret, body, 1_790_000_000),
      'x-radar-delivery': 'wh.s.a',
      'x-radar-event': 'alert.created',
    });
  });

  it('new secrets are prefixed and unguessable', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});
