/**
 * A small built-in deny list (no network, no big file): the most used passwords and keyboard runs,
 * matched after lower-casing and after stripping trailing digits/symbols ("Password12" → "password").
 */
const COMMON = new Set([
  'password', 'passw0rd', 'p@ssword', 'p@ssw0rd', 'qwerty', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'qwe', 'asd',
  'abc', 'abcd', 'abcdef', 'abcdefg', 'abcdefgh', 'abcdefghij', 'letmein', 'welcome', 'admin', 'administrator',
  'root', 'user', 'login', 'iloveyou', 'monkey', 'dragon', 'football', 'baseball', 'master', 'shadow',
  'sunshine', 'princess', 'superman', 'batman', 'trustno1', 'hello', 'hellokitty', 'changeme', 'default',
  'secret', 'test', 'testing', 'guest', 'qazwsx', 'q1w2e3r4', '1q2w3e4r', '1qaz2wsx', 'zaq12wsx', 'woaini',
  'wodemima', 'mima', 'aini', 'controlbook', 'internal', 'company', 'china', 'beijing', 'shanghai',
]);

const RUNS = ['0123456789', '9876543210', 'abcdefghijklmnopqrstuvwxyz', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm'];

export function isCommonPassword(password: string): boolean {
  const p = password.toLowerCase();
  if (COMMON.has(p)) return true;
  const stem = p.replace(/[\d\W_]+$/u, '').replace(/^[\d\W_]+/u, '');
  if (stem.length === 0 || COMMON.has(stem)) return true;
  // very few distinct characters: "aaaaaaaaa1", "abababab12"
  if (new Set(p).size < 5) return true;
  // mostly one keyboard or alphabet run: "1234567890a", "qwerty123456"
  for (const run of RUNS) {
    for (let len = Math.min(run.length, p.length); len >= 6; len--) {
      for (let i = 0; i + len <= run.length; i++) {
        const piece = run.slice(i, i + len);
        if (p.includes(piece) && p.length - len <= 4) return true;
      }
    }
  }
  return false;
}
