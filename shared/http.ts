/** Header every tRPC POST must carry (CSRF defence); the client's links add it. */
export const CSRF_HEADER = 'x-controlbook-csrf';
/** Header carrying the UI language so server messages come back in it. */
export const LOCALE_HEADER = 'x-controlbook-locale';
