import { describe, expect, it } from 'vitest';
import { ApiError, describeError, errorFromResponse, networkError } from './api-error.js';
import { clearKey, loadKey, saveKey, type KeyStorage } from './api-key.js';

describe('API errors', () => {
  it('reads the server error envelope with its field', () => {
    const e = errorFromResponse(
      400,
      'Bad Request',
      '{"error":{"code":"bad_request","message":"reason is required","field":"reason"}}',
    );
    expect(e).toBeInstanceOf(ApiError);
    expect(e).toMatchObject({ status: 400, code: 'bad_request', message: 'reason is required', field: 'reason' });
    expect(describeError(e)).toBe('reason is required (field: reason)');
  });

  it('survives bodies that are not the envelope (proxy pages, plain text)', () => {
    expect(errorFromResponse(502, 'Bad Gateway', '<html>nginx</html>').message).toBe('502 Bad Gateway');
    expect(errorFromResponse(500, 'Internal Server Error', 'boom').message).toBe('500 Internal Server Error: boom');
    expect(errorFromResponse(401, 'Unauthorized', '').unauthorized).toBe(true);
  });

  it('explains a server that cannot be reached', () => {
    expect(describeError(networkError(new TypeError('Failed to fetch')))).toContain('cannot be reached');
  });
});

function memoryStorage() {
  const map = new Map<string, string>();
  return {
    getItem: (k: string) => map.get(k) ?? null,
    setItem: (k: string, v: string) => void map.set(k, v),
    removeItem: (k: string) => void map.delete(k),
    size: () => map.size,
  };
}

describe('API key storage', () => {
  it('remembers a key across sessions only when asked to', () => {
    const storage: KeyStorage & { local: ReturnType<typeof memoryStorage> } = {
      local: memoryStorage(),
      session: memoryStorage(),
    };
    saveKey(storage, ' secret-1 ', false);
    expect(loadKey(storage)).toBe('secret-1');
    expect(storage.local.size()).toBe(0);
    saveKey(storage, 'secret-2', true);
    expect(loadKey(storage)).toBe('secret-2');
    clearKey(storage);
    expect(loadKey(storage)).toBeUndefined();
  });
});
