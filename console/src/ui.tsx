/** Shared UI pieces: the resource table (filter, sort, select), dialogs, tabs, error banners, live data. */
import { useEffect, useMemo, useRef, useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { ApiError, session } from "./api";

/** Fired on `window` when vpclab's world changed (server-sent event) or the session moved. */
export const CHANGE_EVENT = "vpclab-change";

/** Loads with `load` now, whenever `deps` change and whenever vpclab reports a change; keeps the last value. */
export function useLive<T>(load: () => Promise<T>, deps: unknown[] = []): { data: T | undefined; error: ApiError | undefined; reload: () => void } {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<ApiError | undefined>(undefined);
  const running = useRef<Promise<void> | null>(null);
  const again = useRef(false);
  const loadRef = useRef(load);
  loadRef.current = load;
  const run = () => {
    // One load at a time; ticks that arrive meanwhile fold into one more load.
    if (running.current) {
      again.current = true;
      return;
    }
    running.current = loadRef
      .current()
      .then(
        (v) => {
          setData(v);
          setError(undefined);
        },
        (e) => setError(asApiError(e)),
      )
      .finally(() => {
        running.current = null;
        if (again.current) {
          again.current = false;
          run();
        }
      });
  };
  useEffect(() => {
    setData(undefined);
    run();
    const on = () => run();
    window.addEventListener(CHANGE_EVENT, on);
    return () => window.removeEventListener(CHANGE_EVENT, on);
  }, [session.account, session.region, ...deps]);
  return { data, error, reload: run };
}

export function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError("ClientError", String((e as Error)?.message ?? e), 0);
}

export function ErrorBanner({ error }: { error?: ApiError | null }) {
  if (!error) return null;
  return (
    <div class="alert error" role="alert">
      <b>{error.code}</b>: {error.message}
    </div>
  );
}

export interface Column<T> {
  title: string;
  value: (r: T) => string | number;
  render?: (r: T) => ComponentChildren;
}

export function ResourceTable<T>(props: {
  title: string;
  rows: T[] | undefined;
  columns: Column<T>[];
  idOf: (r: T) => string;
  selected?: string;
  onSelect?: (id: string) => void;
  actions?: ComponentChildren;
}) {
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ col: number; dir: 1 | -1 }>({ col: -1, dir: 1 });
  const rows = useMemo(() => {
    let r = props.rows ?? [];
    const f = filter.trim().toLowerCase();
    if (f) r = r.filter((x) => props.columns.some((c) => String(c.value(x)).toLowerCase().includes(f)));
    if (sort.col >= 0) {
      const c = props.columns[sort.col]!;
      r = [...r].sort((a, b) => {
        const x = c.value(a);
        const y = c.value(b);
        return (typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y), undefined, { numeric: true })) * sort.dir;
      });
    }
    return r;
  }, [props.rows, filter, sort]);
  return (
    <section class="panel">
      <header class="panel-head">
        <h2>
          {props.title} <span class="count">({props.rows ? rows.length : "…"})</span>
        </h2>
        <div class="actions">{props.actions}</div>
      </header>
      <input class="filter" type="search" placeholder={`Filter ${props.title.toLowerCase()}`} value={filter} onInput={(e) => setFilter((e.target as HTMLInputElement).value)} />
      <div class="table-wrap">
        <table class="resources">
          <thead>
            <tr>
              {props.onSelect && <th class="sel" />}
              {props.columns.map((c, i) => (
                <th onClick={() => setSort({ col: i, dir: sort.col === i ? ((-sort.dir) as 1 | -1) : 1 })} class={sort.col === i ? (sort.dir > 0 ? "asc" : "desc") : ""}>
                  {c.title}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => {
              const id = props.idOf(r);
              return (
                <tr data-id={id} class={props.selected === id ? "selected" : ""} onClick={() => props.onSelect?.(id)}>
                  {props.onSelect && (
                    <td class="sel">
                      <input type="radio" checked={props.selected === id} />
                    </td>
                  )}
                  {props.columns.map((c) => (
                    <td>{c.render ? c.render(r) : c.value(r)}</td>
                  ))}
                </tr>
              );
            })}
            {props.rows && rows.length === 0 && (
              <tr>
                <td class="empty" colSpan={props.columns.length + 1}>
                  No {props.title.toLowerCase()} found in this Region
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}

export function Modal(props: { title: string; onClose: () => void; children: ComponentChildren; wide?: boolean }) {
  return (
    <div class="modal-back" onClick={(e) => e.target === e.currentTarget && props.onClose()}>
      <div class={`modal ${props.wide ? "wide" : ""}`} role="dialog" aria-label={props.title}>
        <header>
          <h3>{props.title}</h3>
          <button class="link" onClick={props.onClose} aria-label="Close">
            ✕
          </button>
        </header>
        {props.children}
      </div>
    </div>
  );
}

/** A dialog's form: runs `submit`, shows AWS's error text if it throws, closes on success. */
export function FormDialog(props: { title: string; submitLabel: string; onClose: () => void; submit: () => Promise<unknown>; children: ComponentChildren; wide?: boolean; id?: string }) {
  const [error, setError] = useState<ApiError | undefined>();
  const [busy, setBusy] = useState(false);
  return (
    <Modal title={props.title} onClose={props.onClose} wide={props.wide}>
      <form
        id={props.id}
        onSubmit={async (e) => {
          e.preventDefault();
          setBusy(true);
          setError(undefined);
          try {
            await props.submit();
            props.onClose();
            window.dispatchEvent(new Event(CHANGE_EVENT));
          } catch (err) {
            setError(asApiError(err));
          } finally {
            setBusy(false);
          }
        }}
      >
        {props.children}
        <ErrorBanner error={error} />
        <footer>
          <button type="button" onClick={props.onClose}>
            Cancel
          </button>
          <button type="submit" class="primary" disabled={busy}>
            {props.submitLabel}
          </button>
        </footer>
      </form>
    </Modal>
  );
}

export function Field(props: { label: string; children: ComponentChildren; hint?: string }) {
  return (
    <label class="field">
      <span>{props.label}</span>
      {props.children}
      {props.hint && <small>{props.hint}</small>}
    </label>
  );
}

export function Tabs(props: { tabs: { title: string; body: () => ComponentChildren }[] }) {
  const [i, setI] = useState(0);
  const t = props.tabs[Math.min(i, props.tabs.length - 1)]!;
  return (
    <div class="tabs">
      <nav>
        {props.tabs.map((x, j) => (
          <button class={j === i ? "active" : ""} onClick={() => setI(j)}>
            {x.title}
          </button>
        ))}
      </nav>
      <div class="tab-body">{t.body()}</div>
    </div>
  );
}

export function State({ s }: { s: string }) {
  const cls = /available|active|running|attached|associated|in-use/.test(s) ? "ok" : /pending|provisioning|initiating|stopping|shutting/.test(s) ? "warn" : /failed|rejected|deleted|terminated|expired|blackhole|detached|stopped/.test(s) ? "bad" : "";
  return <span class={`state ${cls}`}>{s}</span>;
}

/** Runs an action from a list's buttons; errors go to `onError`. */
export async function act(fn: () => Promise<unknown>, onError: (e: ApiError | undefined) => void, confirmText?: string): Promise<void> {
  if (confirmText && !window.confirm(confirmText)) return;
  onError(undefined);
  try {
    await fn();
    window.dispatchEvent(new Event(CHANGE_EVENT));
  } catch (e) {
    onError(asApiError(e));
  }
}
