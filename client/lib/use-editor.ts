import { useMemo, useState } from 'react';

/** Which record a page's form modal is editing: none, a new one, or an existing row. */
export type EditorState<T> = { mode: 'closed' } | { mode: 'create' } | { mode: 'edit'; row: T };

/** Editor state with stable callbacks (safe to use inside memoised grid columns). */
export function useEditor<T>() {
  const [state, setState] = useState<EditorState<T>>({ mode: 'closed' });
  const actions = useMemo(
    () => ({
      openCreate: () => setState({ mode: 'create' }),
      openEdit: (row: T) => setState({ mode: 'edit', row }),
      close: () => setState({ mode: 'closed' }),
    }),
    [],
  );
  return { state, ...actions };
}
