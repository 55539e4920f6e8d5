import { CSRF_HEADER, LOCALE_HEADER } from '../../shared/http.ts';
import { currentLocale } from '../i18n/index.ts';

/**
 * POST a file to one of the streamed upload routes (server/http/upload.ts) and follow its NDJSON
 * answer: progress lines as they come, then `{result}` or `{error: {message}}`.
 */
export class UploadFailure extends Error {
  constructor(
    message: string,
    readonly messageKey?: string,
  ) {
    super(message);
  }
}

export async function uploadFile<T>(url: string, file: Blob, onProgress?: (line: Record<string, unknown>) => void): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    credentials: 'same-origin',
    // answers (errors, row messages) in the language on screen, like every tRPC call
    headers: { [CSRF_HEADER]: '1', [LOCALE_HEADER]: currentLocale(), 'content-type': 'application/octet-stream' },
    body: file,
  });
  if (!res.ok || !res.body) {
    const body = (await res.json().catch(() => null)) as { error?: { message: string; messageKey?: string } } | null;
    throw new UploadFailure(body?.error?.message ?? `${res.status} ${res.statusText}`, body?.error?.messageKey);
  }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (value) buffer += value;
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const line = JSON.parse(buffer.slice(0, nl)) as Record<string, unknown>;
      buffer = buffer.slice(nl + 1);
      if ('result' in line) return line.result as T;
      if ('error' in line) {
        const e = line.error as { message: string; messageKey?: string };
        throw new UploadFailure(e.message, e.messageKey);
      }
      onProgress?.(line);
    }
    if (done) throw new UploadFailure('the server closed the connection before answering');
  }
}
