/**
 * The one scaffolding every resource page is built on (the VPC pages, the transit gateway pages, the
 * NAT gateway, endpoint, prefix list, egress-only gateway and flow log pages): a live list (filter,
 * sort, select) with its action buttons ("Delete …" on the selection, the primary "Create …" opening
 * the create dialog), the selection's detail panel under it, and the page's dialogs. A page gives the
 * load call, the columns, the detail rows and its dialogs; the rest is here.
 */
import { useState } from "preact/hooks";
import type { ComponentChildren } from "preact";
import { nameOf, list, type ApiError } from "./api";
import { act, ErrorBanner, ResourceTable, useLive, type Column } from "./ui";

export const nameTag = (type: string, name: string) => (name ? [{ ResourceType: type, Tag: [{ Key: "Name", Value: name }] }] : undefined);
export const val = (e: Event) => (e.target as HTMLInputElement).value;
export const nameCol: Column<any> = { title: "Name", value: (r) => nameOf(r) || "–" };
export const tagsText = (r: any) => list(r?.tagSet).map((t) => `${t.key}=${t.value}`).join(", ");

export function usePageState() {
  const [selected, setSelected] = useState<string | undefined>();
  const [dialog, setDialog] = useState<string | undefined>();
  const [error, setError] = useState<ApiError | undefined>();
  return { selected, setSelected, dialog, setDialog, error, setError, close: () => setDialog(undefined) };
}

/** A page's list state: the live rows, the selection (looked up by `idOf`), the open dialog, the last action error. */
export function useResources<T = any>(load: () => Promise<T[]>, idOf: (r: T) => string, deps: unknown[] = []) {
  const p = usePageState();
  const { data, error } = useLive(load, deps);
  const sel = data?.find((r) => idOf(r) === p.selected);
  return { ...p, data, loadError: error, sel, idOf };
}
export type Resources<T = any> = ReturnType<typeof useResources<T>>;

export function ResourcePage<T = any>(props: {
  r: Resources<T>;
  title: string;
  columns: Column<T>[];
  /** More errors to show above the list (e.g. a detail tab's load error). */
  errors?: (ApiError | undefined)[];
  /** Buttons before "Delete" (they see the selection through the page's own state). */
  actions?: ComponentChildren;
  del?: { label: string; run: (sel: T) => Promise<unknown>; confirm?: (sel: T) => string; id?: string };
  create?: { label: string; id?: string; open?: () => void };
  details?: (sel: T) => ComponentChildren;
  detailsTitle?: (sel: T) => string;
  /** The page's dialogs (shown by `r.dialog`; "create" is opened by the create button). */
  children?: ComponentChildren;
}) {
  const { r } = props;
  const sel = r.sel;
  const del = props.del;
  const create = props.create;
  return (
    <>
      <ErrorBanner error={r.loadError ?? r.error ?? props.errors?.find((e) => e)} />
      <ResourceTable
        title={props.title}
        rows={r.data}
        idOf={r.idOf}
        selected={r.selected}
        onSelect={r.setSelected}
        columns={props.columns}
        actions={
          <>
            {props.actions}
            {del && (
              <button id={del.id} disabled={!sel} onClick={() => sel && act(() => del.run(sel), r.setError, del.confirm ? del.confirm(sel) : `Delete ${r.idOf(sel)}?`)}>
                {del.label}
              </button>
            )}
            {create && (
              <button class="primary" id={create.id} onClick={() => (create.open?.(), r.setDialog("create"))}>
                {create.label}
              </button>
            )}
          </>
        }
      />
      {sel && props.details && <Details title={props.detailsTitle ? props.detailsTitle(sel) : r.idOf(sel)}>{props.details(sel)}</Details>}
      {props.children}
    </>
  );
}

export function Details(props: { title: string; children: any }) {
  return (
    <section class="panel details">
      <h3>{props.title}</h3>
      {props.children}
    </section>
  );
}

export function KV({ rows }: { rows: Record<string, unknown> }) {
  return (
    <dl class="kv">
      {Object.entries(rows).map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{String(v ?? "–")}</dd>
        </>
      ))}
    </dl>
  );
}
