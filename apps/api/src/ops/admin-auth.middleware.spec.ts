import type { Request, Response } from 'express';
import { ADMIN_COOKIE, adminAuth, sameSecret } from './admin-auth.middleware';

const TOKEN = 'a-long-admin-token-0123';

function call(req: Partial<Request>) {
  const res = {
    statusCode: 200,
    headers: {} as Record<string, string>,
    cookies: [] as [string, string, Record<string, unknown>][],
    status(code: number) {
      this.statusCode = code;
      return this;
    },
    setHeader(name: string, value: string) {
      this.headers[name.toLowerCase()] = value;
      return this;
    },
    json() {
      return this;
    },
    cookie(name: string, value: string, options: Record<string, unknown>) {
      this.cookies.push([name, value, options]);
      return this;
    },
  };
  let passed = false;
  adminAuth(TOKEN, '/admin/queues')(
    { headers: {}, query: {}, secure: false, ...req } as Request,
    res as unknown as Response,
    () => {
      passed = true;
    },
  );
  return { passed, res };
}

describe('adminAuth', () => {
  it('compares secrets of any length without throwing', () => {
    expect(sameSecret(TOKEN, TOKEN)).toBe(true);
    expect(sameSecret('short', TOKEN)).toBe(false);
    expect(sameSecret('', TOKEN)).toBe(false);
  });

  it('admits a bearer token and refuses a wrong one with 401', () => {
    expect(call({ headers: { authorization: `Bearer ${TOKEN}` } }).passed).toBe(true);
    const wrong = call({ headers: { authorization: `Bearer ${TOKEN}x` } });
    expect(wrong.passed).toBe(false);
    expect(wrong.res.statusCode).toBe(401);
    expect(wrong.res.headers['www-authenticate']).toContain('Bearer');
    expect(call({ headers: { authorization: `Basic ${TOKEN}` } }).passed).toBe(false);
  });

  it('turns ?token= into an httpOnly cookie that admits later requests, and holds no token', () => {
    const first = call({ query: { token: TOKEN } });
    expect(first.passed).toBe(true);
    const [[name, value, options]] = first.res.cookies;
    expect(name).toBe(ADMIN_COOKIE);
    expect(value).not.toContain(TOKEN);
    expect(options).toMatchObject({ httpOnly: true, sameSite: 'strict', path: '/admin/queues' });
    expect(call({ headers: { cookie: `other=1; ${ADMIN_COOKIE}=${value}` } }).passed).toBe(true);
    expect(call({ headers: { cookie: `${ADMIN_COOKIE}=${TOKEN}` } }).passed).toBe(false);
    expect(call({ query: { token: 'nope' } }).passed).toBe(false);
  });
});
