/**
 * The admin key every test service accepts (`SWITCHBOARD_ADMIN_KEY`), and what test requests
 * send by default. Tests of access control send other keys, or none.
 */
export const TEST_ADMIN_KEY = 'test-admin-key-0123456789abcdef0123456789abcdef';

/** The header that carries `key`. */
export const bearer = (key: string = TEST_ADMIN_KEY): Record<string, string> => ({ authorization: `Bearer ${key}` });
