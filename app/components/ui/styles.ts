// The workspace's few shared looks, as Tailwind class lists. Colours meet AA
// contrast in light and dark; focus rings come from the base layer.

export function cx(...classes: Array<string | false | null | undefined>): string {
  return classes.filter(Boolean).join(' ')
}

const buttonBase =
  'inline-flex items-center justify-center gap-2 rounded-lg px-3.5 py-2 text-sm font-medium transition-colors disabled:cursor-not-allowed disabled:opacity-60'

export const button = {
  primary: cx(buttonBase, 'bg-blue-700 text-white hover:bg-blue-800'),
  secondary: cx(
    buttonBase,
    'border border-slate-300 bg-white text-slate-900 hover:bg-slate-100 dark:border-slate-600 dark:bg-slate-900 dark:text-slate-100 dark:hover:bg-slate-800',
  ),
  danger: cx(buttonBase, 'bg-red-700 text-white hover:bg-red-800'),
  icon: 'inline-flex h-8 w-8 shrink-0 items-center justify-center rounded-md text-slate-600 hover:bg-slate-200 hover:text-slate-900 dark:text-slate-300 dark:hover:bg-slate-700 dark:hover:text-white',
}

export const field = {
  label: 'block text-sm font-medium text-slate-800 dark:text-slate-200',
  input:
    'block w-full rounded-lg border border-slate-400 bg-white px-3 py-2 text-sm text-slate-900 placeholder:text-slate-500 dark:border-slate-500 dark:bg-slate-900 dark:text-slate-100 dark:placeholder:text-slate-400 aria-[invalid=true]:border-red-700 dark:aria-[invalid=true]:border-red-400',
  error: 'text-sm text-red-700 dark:text-red-300',
  hint: 'text-sm text-slate-600 dark:text-slate-300',
}

export const menu = {
  content:
    'z-50 min-w-[12rem] rounded-lg border border-slate-200 bg-white p-1 text-sm text-slate-900 shadow-lg dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100',
  item: 'flex cursor-default select-none items-center gap-2 rounded-md px-2.5 py-1.5 outline-none data-[disabled]:opacity-50 data-[highlighted]:bg-slate-100 dark:data-[highlighted]:bg-slate-800',
  danger: 'text-red-700 dark:text-red-300',
  separator: 'my-1 h-px bg-slate-200 dark:bg-slate-700',
  label: 'px-2.5 py-1 text-xs font-medium text-slate-600 dark:text-slate-300',
}

export const muted = 'text-slate-600 dark:text-slate-300'
