import { notifications } from '@mantine/notifications';
import { i18n } from '../i18n/index.ts';
import { isAppError } from './trpc.ts';

/** Field errors keyed by form path: 'data.code' (update inputs) becomes 'code'. */
export function fieldErrorsOf(err: unknown): Record<string, string> {
  if (!isAppError(err)) return {};
  const raw = (err.data as { fieldErrors?: Record<string, string[]> } | undefined)?.fieldErrors ?? {};
  const out: Record<string, string> = {};
  for (const [path, messages] of Object.entries(raw)) {
    out[path.replace(/^data\./, '')] = messages.join(' ');
  }
  return out;
}

/** Show the server's (already translated) message in a notification. */
export function notifyError(err: unknown): void {
  const message = err instanceof Error ? err.message : String(err);
  notifications.show({ color: 'red', title: i18n.t('common.errorTitle'), message, autoClose: 8000 });
}

export function notifySuccess(key: string): void {
  notifications.show({ color: 'teal', message: i18n.t(key), autoClose: 2500 });
}

/** Put server field errors on the form and the message in a notification. */
export function reportError(err: unknown, form?: { setErrors: (errors: Record<string, string>) => void }): void {
  if (form) form.setErrors(fieldErrorsOf(err));
  notifyError(err);
}

/**
 * A form's save, the one way: run it; on success say so, on failure put the server's field
 * errors on the form and show its message.
 */
export async function saveForm(
  form: { setErrors: (errors: Record<string, string>) => void },
  successKey: string,
  action: () => Promise<unknown>,
): Promise<void> {
  try {
    await action();
    notifySuccess(successKey);
  } catch (err) {
    reportError(err, form);
  }
}
