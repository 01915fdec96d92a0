import { describe, expect, it } from 'vitest';
import { newVerificationCode, VerificationCode } from '../../functions/domain/directory.js';

describe('verification codes', () => {
  it('are XXXX-XXXX-XXXX over digits and capitals without 0, 1, I or O, and valid codes', () => {
    for (let i = 0; i < 200; i++) {
      const code = newVerificationCode();
      expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/);
      expect(VerificationCode.safeParse(code).success).toBe(true);
    }
  });

  it('are random: 2,000 drawn are all different, and use all 32 characters', () => {
    const codes = Array.from({ length: 2000 }, newVerificationCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(codes.join('').replaceAll('-', '')).size).toBe(32);
  });

  it('the codes issued before (upper-case hex) stay valid; lower case, I, O and other shapes do not', () => {
    expect(VerificationCode.safeParse('1A2B-3C4D-5E6F').success).toBe(true);
    for (const code of ['1a2b-3c4d-5e6f', 'IOIO-2345-6789', '1A2B3C4D5E6F', '1A2B-3C4D-5E6F-7A8B'])
      expect(VerificationCode.safeParse(code).success, code).toBe(false);
  });
});
