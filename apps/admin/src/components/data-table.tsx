import type { ComponentChildren } from 'preact'
import { ListState, type ListStatus } from './ui'

/** One column: its header and how a row fills its cell. */
export interface Column<T> {
  /** Header content; leave out for an empty header cell (a column of buttons). */
  head?: ComponentChildren
  headClass?: string
  cellClass?: string | ((row: T) => string | undefined)
  cell: (row: T) => ComponentChildren
}

/**
 * The console's list block: loading, error and empty states (`ListState`) around one table,
 * so every list page says them alike. `footer` (a pager) shows under the rows.
 */
export function DataTable<T>(props: {
  status: ListStatus
  rows: readonly T[]
  columns: readonly Column<T>[]
  rowKey: (row: T) => string
  /** Attributes of each `<tr>` (test ids, data attributes). */
  rowAttrs?: (row: T) => Record<string, string>
  emptyText: string
  /** Whether to say `emptyText`; defaults to "no rows" (paged lists say it on page 1 only). */
  empty?: boolean
  /** In a panel of its own (the default) or inside one already. */
  panel?: boolean
  testId?: string
  footer?: ComponentChildren
}) {
  const { columns } = props
  return (
    <ListState
      {...props.status}
      empty={props.empty ?? props.rows.length === 0}
      emptyText={props.emptyText}
    >
      <div class={props.panel === false ? 'table-wrap' : 'table-wrap panel'}>
        <table data-testid={props.testId}>
          <thead>
            <tr>
              {columns.map((c, i) => (
                <th key={i} class={c.headClass}>
                  {c.head}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {props.rows.map((row) => (
              <tr key={props.rowKey(row)} {...props.rowAttrs?.(row)}>
                {columns.map((c, i) => (
                  <td
                    key={i}
                    class={typeof c.cellClass === 'function' ? c.cellClass(row) : c.cellClass}
                  >
                    {c.cell(row)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.footer}
    </ListState>
  )
}
